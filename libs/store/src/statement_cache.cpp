#include "statement_cache.hpp"

#include <mutex>

namespace bitten::store {

namespace {
// Connection -> its cache. A store::Database registers its connection (a stable heap address) for
// as long as it lives; connections opened elsewhere (e.g. by the backup tool) have no cache.
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::unordered_map<const SQLite::Database*, StatementCache*>& registry() {
  static auto* r = new std::unordered_map<const SQLite::Database*, StatementCache*>();  // never destroyed
  return *r;
}
StatementCache* cache_for(const SQLite::Database& db) {
  std::lock_guard lock(registry_mutex());
  auto it = registry().find(&db);
  return it == registry().end() ? nullptr : it->second;
}
}  // namespace

StatementCache::StatementCache(SQLite::Database& db) : db_(db) {
  std::lock_guard lock(registry_mutex());
  registry()[&db_] = this;
}

StatementCache::~StatementCache() {
  {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(&db_);
    if (it != registry().end() && it->second == this) registry().erase(it);
  }
  entries_.clear();  // finalizes every statement while the connection is still open
}

StatementCache::Entry* StatementCache::entry(const std::string& sql) {
  if (auto it = entries_.find(sql); it != entries_.end()) return &it->second;
  if (entries_.size() >= kMaxEntries) return nullptr;
  auto statement = std::make_unique<SQLite::Statement>(db_, sql);  // may throw: nothing is inserted
  return &entries_.emplace(sql, Entry{std::move(statement), false}).first->second;
}

CachedStatement::CachedStatement(SQLite::Database& db, const std::string& sql) {
  if (StatementCache* cache = cache_for(db)) {
    StatementCache::Entry* e = cache->entry(sql);
    if (e && !e->in_use) {
      e->in_use = true;
      entry_ = e;
      statement_ = e->statement.get();
      return;
    }
  }
  own_ = std::make_unique<SQLite::Statement>(db, sql);
  statement_ = own_.get();
}

CachedStatement::~CachedStatement() {
  if (!entry_) return;
  (void)statement_->tryReset();  // the error of a failed step was already reported to the caller
  try {
    statement_->clearBindings();
  } catch (...) {
  }
  entry_->in_use = false;
}

}  // namespace bitten::store

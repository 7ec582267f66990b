#pragma once
// Prepared statements kept per connection: preparing a statement again for every repository call
// cost 40 % of the webapp's CPU on the fire path (docs/performance.md). A CachedStatement takes the
// connection's cached statement for its SQL text (or a fresh one when that statement is in use or
// the connection has no cache) and, when it goes out of scope, resets it and clears its bindings,
// which also ends its read of the database. The cache belongs to store::Database and is finalized
// before its connection closes.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace bitten::store {

class StatementCache {
 public:
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
  };
  static constexpr size_t kMaxEntries = 512;  // SQL texts built at run time cannot grow it without end

  StatementCache(SQLite::Database& db);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The entry for this SQL, prepared on first use; nullptr when the cache is full. Throws what
  // SQLite::Statement's constructor throws.
  Entry* entry(const std::string& sql);

 private:
  SQLite::Database& db_;
  std::unordered_map<std::string, Entry> entries_;
};

class CachedStatement {
 public:
  CachedStatement(SQLite::Database& db, const std::string& sql);
  ~CachedStatement();
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }

 private:
  StatementCache::Entry* entry_ = nullptr;
  std::unique_ptr<SQLite::Statement> own_;
  SQLite::Statement* statement_ = nullptr;
};

}  // namespace bitten::store

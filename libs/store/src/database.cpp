#include "bitten/store/database.hpp"

#include "statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bitten/core/clock.hpp"
#include "bitten/store/errors.hpp"
#include "bitten/store/migrations.hpp"

namespace bitten::store {

Database::Database(std::unique_ptr<SQLite::Database> db, std::string path)
    : db_(std::move(db)), cache_(std::make_unique<StatementCache>(*db_)), path_(std::move(path)) {}

Database::~Database() { cache_.reset(); }

Database::Database(Database&& other) noexcept
    : db_(std::move(other.db_)), cache_(std::move(other.cache_)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    cache_.reset();  // finalized while our connection is still open
    db_ = std::move(other.db_);
    cache_ = std::move(other.cache_);
    path_ = std::move(other.path_);
  }
  return *this;
}

Result<Database> Database::open(const DatabaseOptions& o) {
  // Switching a fresh file to WAL and WAL recovery can report SQLITE_BUSY without waiting on the
  // busy handler when several daemons start at once; retry the whole setup within the busy timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(o.busy_timeout_ms, 0));
  for (;;) {
    auto r = open_once(o);
    if (r || r.error().code != "db_busy" || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<Database> Database::open_once(const DatabaseOptions& o) {
  return guarded("open " + o.path, [&]() -> Result<Database> {
    if (o.path.empty()) return make_error("db_io", "open: empty database path");
    int flags = o.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
    if (!o.read_only && o.create) flags |= SQLite::OPEN_CREATE;
    auto db = std::make_unique<SQLite::Database>(o.path, flags, o.busy_timeout_ms);
    // Fail now (as db_io) rather than at the first query when the file is not a database.
    db->exec("SELECT count(*) FROM sqlite_master");
    db->exec("PRAGMA foreign_keys = ON");
    if (!o.read_only) {
      CachedStatement jm_cached(*db, "PRAGMA journal_mode = WAL");
      SQLite::Statement& jm = *jm_cached;
      jm.executeStep();
      if (jm.getColumn(0).getString() != "wal")
        return make_error("db_io", "open " + o.path + ": WAL journal mode unavailable");
      db->exec("PRAGMA synchronous = NORMAL");
    }
    Database out(std::move(db), o.path);
    auto v = current_schema_version(out.sql());
    if (!v) return v.error();
    if (o.migrate && !o.read_only) {
      auto m = migrate(out.sql(), SystemClock::instance().now_ns());
      if (!m) return m.error();
    } else if (*v != latest_schema_version()) {
      return make_error("db_schema_mismatch", "open " + o.path + ": schema version " + std::to_string(*v) +
                                                  ", this build expects " +
                                                  std::to_string(latest_schema_version()) +
                                                  " (run bitten-admin migrate)");
    }
    return out;
  });
}

Result<int> Database::schema_version() { return current_schema_version(*db_); }

Result<std::string> Database::integrity_check() {
  return guarded("integrity_check", [&]() -> Result<std::string> {
    CachedStatement q_cached(*db_, "PRAGMA integrity_check");
    SQLite::Statement& q = *q_cached;
    std::string all;
    while (q.executeStep()) {
    if (!all.empty()) all += '\n';
    all += q.getColumn(0).getString();
  }
    return all;
  });
}

Status Database::set_busy_timeout(int ms) {
  return guarded("busy_timeout", [&]() -> Status {
    db_->setBusyTimeout(ms);
    return ok_status();
  });
}

}  // namespace bitten::store

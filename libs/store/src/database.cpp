#include "bitten/store/database.hpp"

#include "statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <sched.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bitten/core/clock.hpp"
#include "bitten/store/errors.hpp"
#include "bitten/store/migrations.hpp"

namespace bitten::store {

struct Database::BusyWait {
  int timeout_ms = 0;
  std::chrono::steady_clock::time_point first_try{};
};

namespace {

// SQLite calls this with count = 0 at the first refusal of each locking attempt.
int busy_wait(void* arg, int count) {
  auto* w = static_cast<Database::BusyWait*>(arg);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) w->first_try = now;
  if (now - w->first_try >= std::chrono::milliseconds(w->timeout_ms)) return 0;  // give up: SQLITE_BUSY
  constexpr int kYields = 4;
  if (count < kYields) {
    sched_yield();  // the holder usually commits within tens of microseconds
    return 1;
  }
  const int step = std::min(count - kYields, 6);  // 20, 40, ... 1280 -> capped at 1000 us
  std::this_thread::sleep_for(std::chrono::microseconds(std::min(20 << step, 1000)));
  return 1;
}

void install_busy_wait(SQLite::Database& db, Database::BusyWait* w) {
  sqlite3_busy_handler(db.getHandle(), w->timeout_ms > 0 ? &busy_wait : nullptr, w);
}

}  // namespace

Database::Database(std::unique_ptr<SQLite::Database> db, std::unique_ptr<BusyWait> busy, std::string path)
    : busy_(std::move(busy)), db_(std::move(db)), cache_(std::make_unique<StatementCache>(*db_)), path_(std::move(path)) {}

Database::~Database() { cache_.reset(); }

Database::Database(Database&& other) noexcept
    : busy_(std::move(other.busy_)), db_(std::move(other.db_)), cache_(std::move(other.cache_)),
      path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    cache_.reset();  // finalized while our connection is still open
    db_ = std::move(other.db_);  // our connection closes here, before its busy state goes
    busy_ = std::move(other.busy_);
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
    auto busy = std::make_unique<BusyWait>();
    busy->timeout_ms = std::max(o.busy_timeout_ms, 0);
    install_busy_wait(*db, busy.get());
    // Fail now (as db_io) rather than at the first query when the file is not a database.
    db->exec("SELECT count(*) FROM sqlite_master");
    db->exec("PRAGMA foreign_keys = ON");
    if (!o.read_only) {
      SQLite::Statement jm(*db, "PRAGMA journal_mode = WAL");  // no cache yet: the Database is made below
      jm.executeStep();
      if (jm.getColumn(0).getString() != "wal")
        return make_error("db_io", "open " + o.path + ": WAL journal mode unavailable");
      db->exec("PRAGMA synchronous = NORMAL");
      if (o.wal_autocheckpoint_pages >= 0)
        db->exec("PRAGMA wal_autocheckpoint = " + std::to_string(o.wal_autocheckpoint_pages));
    }
    Database out(std::move(db), std::move(busy), o.path);
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
    busy_->timeout_ms = std::max(ms, 0);
    install_busy_wait(*db_, busy_.get());
    return ok_status();
  });
}

int Database::busy_timeout_ms() const { return busy_->timeout_ms; }

}  // namespace bitten::store

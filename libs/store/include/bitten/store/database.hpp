#pragma once
// One SQLite connection with the settings every daemon uses: WAL, busy timeout, foreign keys on,
// synchronous=NORMAL, and the schema migrated to the latest version on open.
// A Database is used by one thread at a time; each thread or daemon opens its own.
//
// Waiting for a lock: SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25... ms between tries,
// so a writer that found the lock taken for 100 us lost at least a millisecond, and a few such waits
// made the fire path's p99 (docs/performance.md). Ours yields a few times, then sleeps from 20 us
// doubling to 1 ms, until busy_timeout_ms has passed since the first try; then SQLITE_BUSY (db_busy).
//
// Checkpoints: with wal_autocheckpoint_pages = 0 a commit never runs the checkpoint (and its fsyncs)
// itself; a store::Checkpointer thread does it off the hot path (checkpointer.hpp).
#include <SQLiteCpp/Database.h>

#include <memory>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::store {

struct DatabaseOptions {
  std::string path;
  int busy_timeout_ms = 5000;
  bool create = true;   // create the file if it does not exist
  bool migrate = true;  // apply pending migrations on open (false: refuse an out-of-date schema)
  bool read_only = false;
  int wal_autocheckpoint_pages = -1;  // -1: SQLite's default (1000 pages); 0: never from a commit
};

class StatementCache;

class Database {
 public:
  static Result<Database> open(const DatabaseOptions& options);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;

  SQLite::Database& sql() { return *db_; }
  const std::string& path() const { return path_; }

  Result<int> schema_version();
  // "ok" or the list of problems PRAGMA integrity_check reports.
  Result<std::string> integrity_check();
  Status set_busy_timeout(int ms);
  int busy_timeout_ms() const;

  struct BusyWait;  // the busy handler's state (database.cpp)

 private:
  static Result<Database> open_once(const DatabaseOptions& options);
  Database(std::unique_ptr<SQLite::Database> db, std::unique_ptr<BusyWait> busy, std::string path);
  std::unique_ptr<BusyWait> busy_;  // the busy handler's state; outlives db_ (declared first)
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<StatementCache> cache_;  // prepared statements of db_, finalized before it closes
  std::string path_;
};

}  // namespace bitten::store

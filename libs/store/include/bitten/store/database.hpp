#pragma once
// One SQLite connection with the settings every daemon uses: WAL, busy timeout, foreign keys on,
// synchronous=NORMAL, and the schema migrated to the latest version on open.
// A Database is used by one thread at a time; each thread or daemon opens its own.
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

 private:
  static Result<Database> open_once(const DatabaseOptions& options);
  Database(std::unique_ptr<SQLite::Database> db, std::string path);
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<StatementCache> cache_;  // prepared statements of db_, finalized before it closes
  std::string path_;
};

}  // namespace bitten::store

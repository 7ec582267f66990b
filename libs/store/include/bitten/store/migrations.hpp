#pragma once
// Versioned schema migrations: the one place the schema is defined. Each step is numbered, applied
// in its own IMMEDIATE transaction together with its schema_version row, and never edited once
// shipped (add a new step instead). Reopening an up-to-date database applies nothing.
#include <SQLiteCpp/Database.h>

#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& migrations();
int latest_schema_version();

// Applies every migration newer than the database's version. Returns the resulting version.
Result<int> migrate(SQLite::Database& db, int64_t now_ns);
// The highest applied version (0 for an empty database).
Result<int> current_schema_version(SQLite::Database& db);

}  // namespace bitten::store

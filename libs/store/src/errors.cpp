#include "bitten/store/errors.hpp"

#include <sqlite3.h>

namespace bitten::store {

Error sqlite_error(int code, std::string_view what, std::string_view detail) {
  const int primary = code & 0xff;
  std::string c;
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: c = "db_busy"; break;
    case SQLITE_FULL: c = "db_full"; break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_PERM: c = "db_io"; break;
    case SQLITE_CONSTRAINT: c = "db_constraint"; break;
    default: c = "db_error"; break;
  }
  // Appended rather than chained with operator+: GCC 12 reports a false -Wrestrict on the chain.
  std::string message;
  message.append(what).append(": ").append(detail).append(" (sqlite ").append(std::to_string(code)).append(")");
  return make_error(std::move(c), std::move(message));
}

Error from_exception(const std::exception& e, std::string_view what) {
  if (auto* se = dynamic_cast<const SQLite::Exception*>(&e)) {
    int code = se->getExtendedErrorCode();
    if (code <= 0) code = se->getErrorCode();
    return sqlite_error(code, what, se->what());
  }
  std::string message;
  message.append(what).append(": ").append(e.what());
  return make_error("db_error", std::move(message));
}

}  // namespace bitten::store

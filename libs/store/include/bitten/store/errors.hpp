#pragma once
// SQLite failures become Result errors with stable codes; no store call lets an exception escape.
//   db_busy        the lock was not obtained within the busy timeout (SQLITE_BUSY / SQLITE_LOCKED)
//   db_full        disk or max_page_count exhausted (SQLITE_FULL)
//   db_io          the file cannot be opened, read or written, or is corrupt / not a database
//   db_constraint  a UNIQUE / CHECK / FOREIGN KEY constraint refused the write
//   db_error       anything else SQLite reported
#include <SQLiteCpp/Exception.h>

#include <exception>
#include <string>
#include <string_view>

#include "bitten/core/result.hpp"

namespace bitten::store {

Error sqlite_error(int sqlite_code, std::string_view what, std::string_view detail);
Error from_exception(const std::exception& e, std::string_view what);

// Runs f (which returns a Result) and turns any exception into an Error with a db_* code.
template <class F>
auto guarded(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return from_exception(e, what);
  }
}

}  // namespace bitten::store

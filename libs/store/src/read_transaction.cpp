#include "bitten/store/read_transaction.hpp"

#include <sqlite3.h>

namespace bitten::store {

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  sqlite3* h = db_.sql().getHandle();
  // BEGIN (deferred) takes no lock: the first read takes the snapshot. Should it fail, the reads
  // simply run one statement at a time, as they would without this.
  if (sqlite3_get_autocommit(h) != 0) owns_ = sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
}

ReadTransaction::~ReadTransaction() {
  if (!owns_) return;
  sqlite3* h = db_.sql().getHandle();
  if (sqlite3_get_autocommit(h) != 0) return;  // already ended (an error rolled it back)
  if (sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    (void)sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace bitten::store

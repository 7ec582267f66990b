#include "bitten/store/write_transaction.hpp"

#include <sqlite3.h>

namespace bitten::store {

WriteTransaction::WriteTransaction(Database& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.sql().getHandle()) == 0) return;  // joined
  db_.sql().exec("BEGIN IMMEDIATE");
  owns_ = true;
}

void WriteTransaction::commit() {
  if (!owns_ || done_) return;
  db_.sql().exec("COMMIT");
  done_ = true;
}

WriteTransaction::~WriteTransaction() {
  if (!owns_ || done_) return;
  sqlite3* h = db_.sql().getHandle();
  if (sqlite3_get_autocommit(h) == 0) (void)sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace bitten::store

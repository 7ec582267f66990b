#pragma once
// A run of reads as one read transaction: one consistent snapshot of the database, and one WAL read
// lock (and one check of SQLite's page cache against the WAL) instead of one per statement. The
// fire path reads about a dozen rows before it decides; other daemons commit in between, so without
// it each statement could see a newer database than the one before and start its cache over.
// Inside an open transaction it does nothing (the outer one already gives the snapshot).
#include "bitten/store/database.hpp"

namespace bitten::store {

class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();  // ends the read; never throws
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

  bool owns() const { return owns_; }  // false: nested in a transaction that was already open

 private:
  Database& db_;
  bool owns_ = false;
};

}  // namespace bitten::store

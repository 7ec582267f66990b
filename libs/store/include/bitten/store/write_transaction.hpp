#pragma once
// BEGIN IMMEDIATE (the write lock first, waiting at most the busy timeout) unless the connection is
// already inside a write transaction, which it then joins: the outer one commits or rolls back for
// both. That lets a caller put several repository writes, and the reads they depend on, under one
// lock (the risk engine's fire: snapshot, decision and insert). Used inside store::guarded: like
// SQLite::Transaction it throws SQLite::Exception on failure.
#include "bitten/store/database.hpp"

namespace bitten::store {

class WriteTransaction {
 public:
  explicit WriteTransaction(Database& db);
  ~WriteTransaction();  // rolls back what it began and did not commit; never throws
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();  // no-op when joined (the outer transaction commits)
  bool owns() const { return owns_; }

 private:
  Database& db_;
  bool owns_ = false;
  bool done_ = false;
};

}  // namespace bitten::store

#pragma once
// audit_log: append-only (triggers refuse UPDATE and DELETE).
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

class AuditRepo {
 public:
  explicit AuditRepo(Database& db) : db_(db) {}
  Result<int64_t> append(const AuditEntry& e);  // returns audit_id
  Result<std::vector<AuditEntry>> recent(int limit);  // newest first

 private:
  Database& db_;
};

}  // namespace bitten::store

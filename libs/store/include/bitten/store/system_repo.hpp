#pragma once
// system_flags: fleet-wide switches, above all the global kill switch every fire path reads.
#include <optional>
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"

namespace bitten::store {

struct HaltState {
  bool halted = false;
  std::string reason;
  std::string by;
  int64_t since_ns = 0;
};

class SystemRepo {
 public:
  explicit SystemRepo(Database& db) : db_(db) {}
  Result<HaltState> global_halt();
  Status set_global_halt(bool halted, const std::string& reason, const std::string& by, int64_t now_ns);

 private:
  Database& db_;
};

}  // namespace bitten::store

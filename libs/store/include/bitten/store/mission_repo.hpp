#pragma once
// missions: written by signal_relay. One mission per (user, signal); creating it twice returns the
// first one.
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

struct MissionCreated {
  MissionRecord mission;
  bool created = false;  // false: the user already had a mission for this signal (returned as is)
};

class MissionRepo {
 public:
  explicit MissionRepo(Database& db) : db_(db) {}

  Result<MissionCreated> create(const MissionRecord& m);
  Result<std::optional<MissionRecord>> get(const std::string& mission_id);
  Result<std::optional<MissionRecord>> find(const std::string& user_id, const std::string& signal_id);
  // Every user's mission for one signal, by user_id (the webapp offers them to connected users).
  Result<std::vector<MissionRecord>> for_signal(const std::string& signal_id);
  // The user's missions that have not expired at now_ns, newest first.
  Result<std::vector<MissionRecord>> active_for_user(const std::string& user_id, int64_t now_ns, int limit);

 private:
  Database& db_;
};

}  // namespace bitten::store

#pragma once
// ea_instances: written by command_router (reports) and the admin (binding, unblocking).
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

class EaRepo {
 public:
  explicit EaRepo(Database& db) : db_(db) {}

  // Inserts or refreshes an EA from a report. Balance, equity and last_seen always follow the
  // report; empty text fields do not erase known ones. The first report of a new UTC day fixes
  // that day's start-of-day equity.
  Result<EaInstance> upsert(const EaReport& report);
  // Binds the EA to a user (server-side; the EA never says who its user is). nullopt unbinds.
  Status bind_user(const std::string& uuid, const std::optional<std::string>& user_id);
  Status set_blocked(const std::string& uuid, bool blocked);

  Result<std::optional<EaInstance>> get(const std::string& uuid);
  // The user's most recently seen EA.
  Result<std::optional<EaInstance>> for_user(const std::string& user_id);
  Result<std::vector<EaInstance>> list_all();
  Result<int64_t> count_seen_since(int64_t since_ns);

 private:
  Database& db_;
};

}  // namespace bitten::store

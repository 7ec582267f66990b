#pragma once
// users and user_modes: written by the webapp (sign-in) and the admin (tier, role, halt).
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

class UserRepo {
 public:
  explicit UserRepo(Database& db) : db_(db) {}

  // Error "db_constraint" when the user_id or telegram_id is taken.
  Status create(const UserRecord& u);
  Result<std::optional<UserRecord>> get(const std::string& user_id);
  Result<std::optional<UserRecord>> by_telegram(int64_t telegram_id);
  Result<std::vector<UserRecord>> list_all();

  Status set_tier(const std::string& user_id, const std::string& tier, int64_t now_ns);
  Status set_role(const std::string& user_id, const std::string& role, int64_t now_ns);
  // The per-user kill switch.
  Status set_halted(const std::string& user_id, bool halted, const std::string& reason, int64_t now_ns);

  // "SELECT" (the default when never set) or "AUTO". Setting the mode touches nothing else.
  Result<std::string> mode(const std::string& user_id);
  Status set_mode(const std::string& user_id, const std::string& mode, int64_t now_ns);
  Result<std::vector<std::string>> users_in_mode(const std::string& mode);

  // The user's own auto-fire minimum model probability; nullopt when never set (risk.json's
  // auto_fire.min_probability applies). Setting it touches nothing else (the mode stays as it is,
  // SELECT when the user had no row). Error "bad_input" outside [kMinAutoProbability, kMaxAutoProbability].
  static constexpr double kMinAutoProbability = 0.5;
  static constexpr double kMaxAutoProbability = 0.99;
  Result<std::optional<double>> auto_min_probability(const std::string& user_id);
  Status set_auto_min_probability(const std::string& user_id, std::optional<double> p, int64_t now_ns);

 private:
  Database& db_;
};

}  // namespace bitten::store

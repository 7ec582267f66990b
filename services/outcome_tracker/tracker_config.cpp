#include "tracker_config.hpp"

namespace bitten::outcomes {

Result<TrackerConfig> TrackerConfig::read(runtime::ConfigReader& cfg, const std::string& state_dir) {
  TrackerConfig c;
  c.market_sub = cfg.get<std::string>("market_sub", c.market_sub);
  c.signals_sub = cfg.get<std::string>("signals_sub", c.signals_sub);
  c.sub_rcvhwm = cfg.get<int>("sub_rcvhwm", c.sub_rcvhwm);
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.horizon_min = cfg.get<int64_t>("horizon_min", c.horizon_min);
  c.fire_horizon_days = cfg.get<int64_t>("fire_horizon_days", c.fire_horizon_days);
  c.fire_poll_ms = cfg.get<int64_t>("fire_poll_ms", c.fire_poll_ms);
  c.restore_limit = cfg.get<int64_t>("restore_limit", c.restore_limit);
  c.replay_window_s = cfg.get<int64_t>("replay_window_s", c.replay_window_s);
  c.account_currency = cfg.get<std::string>("account_currency", c.account_currency);
  if (c.db_path.empty()) c.db_path = state_dir + "/bitten.db";
  if (c.sub_rcvhwm <= 0) cfg.fail("sub_rcvhwm", "must be positive");
  if (c.horizon_min <= 0 || c.horizon_min > 7 * 24 * 60) cfg.fail("horizon_min", "must be 1..10080 minutes");
  if (c.fire_horizon_days <= 0 || c.fire_horizon_days > 365) cfg.fail("fire_horizon_days", "must be 1..365");
  if (c.fire_poll_ms < 50) cfg.fail("fire_poll_ms", "must be >= 50");
  if (c.restore_limit < 0) cfg.fail("restore_limit", "must be >= 0");
  if (c.replay_window_s < 0 || c.replay_window_s > 3600) cfg.fail("replay_window_s", "must be 0..3600");
  if (c.account_currency.size() != 3) cfg.fail("account_currency", "must be a 3-letter currency code");
  return c;
}

}  // namespace bitten::outcomes

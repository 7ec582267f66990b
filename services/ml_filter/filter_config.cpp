#include "filter_config.hpp"

namespace bitten::mlfilter {

Result<FilterConfig> FilterConfig::read(runtime::ConfigReader& cfg, const std::string& state_dir) {
  FilterConfig c;
  c.candidates_pull = cfg.get<std::string>("candidates_pull", c.candidates_pull);
  c.signals_pub = cfg.get<std::string>("signals_pub", c.signals_pub);
  c.pull_rcvhwm = cfg.get<int>("pull_rcvhwm", c.pull_rcvhwm);
  c.pub_sndhwm = cfg.get<int>("pub_sndhwm", c.pub_sndhwm);
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.models_dir = cfg.get<std::string>("models_dir", c.models_dir);
  c.reload_poll_ms = cfg.get<int64_t>("reload_poll_ms", c.reload_poll_ms);
  c.cold_start_min_confidence = cfg.get<double>("cold_start_min_confidence", c.cold_start_min_confidence);
  c.dedup_window = static_cast<size_t>(cfg.get<int64_t>("dedup_window", static_cast<int64_t>(c.dedup_window)));
  if (c.db_path.empty()) c.db_path = state_dir + "/bitten.db";
  if (c.models_dir.empty()) c.models_dir = state_dir + "/models";
  if (c.pull_rcvhwm <= 0 || c.pub_sndhwm <= 0) cfg.fail("pub_sndhwm", "high-water marks must be positive");
  if (c.reload_poll_ms < 50 || c.reload_poll_ms > 3'600'000) cfg.fail("reload_poll_ms", "must be 50..3600000");
  if (c.cold_start_min_confidence < 0 || c.cold_start_min_confidence > 100)
    cfg.fail("cold_start_min_confidence", "must be 0..100 (rule confidence)");
  if (c.dedup_window > 1'000'000) cfg.fail("dedup_window", "must be <= 1000000");
  return c;
}

}  // namespace bitten::mlfilter

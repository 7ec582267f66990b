#include "bridge_config.hpp"

namespace bitten::bridge {

Result<BridgeConfig> BridgeConfig::read(runtime::ConfigReader& cfg) {
  BridgeConfig c;
  c.pull_bind = cfg.get<std::string>("pull_bind", c.pull_bind);
  c.pub_bind = cfg.get<std::string>("pub_bind", c.pub_bind);
  c.pull_rcvhwm = cfg.get<int>("pull_rcvhwm", c.pull_rcvhwm);
  c.pub_sndhwm = cfg.get<int>("pub_sndhwm", c.pub_sndhwm);
  c.max_message_bytes = static_cast<size_t>(cfg.get<int64_t>("max_message_bytes", 64 * 1024));
  auto offset = cfg.raw("broker_offset_s");
  if (offset.is_string() && offset.get<std::string>() == "auto") {
    c.broker_offset_s.reset();
  } else if (offset.is_number_integer()) {
    c.broker_offset_s = offset.get<int64_t>();
  } else if (!offset.is_null()) {
    cfg.fail("broker_offset_s", "must be \"auto\" or an integer number of seconds");
  }
  auto per = cfg.raw("per_ea_offset_s");
  if (per.is_object()) {
    for (auto& [uuid, v] : per.items()) {
      if (v.is_number_integer()) c.per_ea_offset_s[uuid] = v.get<int64_t>();
      else cfg.fail("per_ea_offset_s." + uuid, "must be an integer number of seconds");
    }
  } else if (!per.is_null()) {
    cfg.fail("per_ea_offset_s", "must be an object {uuid: seconds}");
  }
  c.clock_check = cfg.get<bool>("clock_check", c.clock_check);
  c.max_future_s = cfg.get<int64_t>("max_future_s", c.max_future_s);
  c.max_past_s = cfg.get<int64_t>("max_past_s", c.max_past_s);
  c.replay_prefix = cfg.get<std::string>("replay_prefix", c.replay_prefix);
  c.replay_offset_s = cfg.get<int64_t>("replay_offset_s", c.replay_offset_s);
  c.max_spread_pips = cfg.get<double>("max_spread_pips", c.max_spread_pips);
  c.ea_ttl_s = cfg.get<int64_t>("ea_ttl_s", c.ea_ttl_s);
  if (c.pull_rcvhwm <= 0 || c.pub_sndhwm <= 0) cfg.fail("pub_sndhwm", "high-water marks must be positive");
  if (c.max_message_bytes < 1024) cfg.fail("max_message_bytes", "must be at least 1024");
  if (c.max_future_s < 0 || c.max_past_s < 0) cfg.fail("max_past_s", "skews must be >= 0");
  if (c.ea_ttl_s <= 0) cfg.fail("ea_ttl_s", "must be positive");
  return c;
}

}  // namespace bitten::bridge

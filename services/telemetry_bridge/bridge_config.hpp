#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "bitten/runtime/config.hpp"

namespace bitten::bridge {

struct BridgeConfig {
  std::string pull_bind = "tcp://*:5556";
  std::string pub_bind = "tcp://*:5560";
  int pull_rcvhwm = 100'000;
  int pub_sndhwm = 100'000;  // per subscriber; beyond it PUB drops (subscribers see seq gaps)
  size_t max_message_bytes = 64 * 1024;  // larger payloads are counted and dropped
  // Broker time minus UTC. nullopt = detect per EA from the first timestamp it sends, rounded
  // to 30 minutes. per_ea overrides both.
  std::optional<int64_t> broker_offset_s;
  std::map<std::string, int64_t> per_ea_offset_s;
  // Wall-clock sanity of event times. Off for replays of historical data at any speed.
  bool clock_check = true;
  int64_t max_future_s = 120;
  int64_t max_past_s = 300;
  // EAs whose UUID starts with this prefix replay history (the EA simulator, at any speed): their
  // broker offset is replay_offset_s and their event times are not checked against our clock.
  // Empty = no replay sources accepted.
  std::string replay_prefix = "SIM_";
  int64_t replay_offset_s = 0;
  double max_spread_pips = 500;  // wider quotes are bad data, not trading conditions
  int64_t ea_ttl_s = 120;        // an EA silent for longer is reported offline

  static Result<BridgeConfig> read(runtime::ConfigReader& cfg);
};

}  // namespace bitten::bridge

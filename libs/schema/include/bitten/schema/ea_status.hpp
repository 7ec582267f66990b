#pragma once
// ea.<kind>: what the bridge (5556: handshake, heartbeat, disconnect) and the command router
// (5555: hello, heartbeat) learn about an EA session, republished for the fleet.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct EaStatusMsg {
  static constexpr const char* kType = "ea_status";
  std::string kind;        // "handshake" | "heartbeat" | "disconnect" | "hello" | "offline" | "duplicate" | "handover"
  std::string uuid;
  std::string node_id;
  std::string account;     // login as text
  std::string broker;
  std::string currency;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  double margin_level = 0;
  int64_t leverage = 0;
  int64_t ticks_processed = 0;
  int64_t broker_offset_s = 0;  // broker time minus UTC, as configured or detected
  int64_t time_ns = 0;          // event time (UTC) of the EA's message

  bool operator==(const EaStatusMsg&) const = default;
};

nlohmann::json to_json(const EaStatusMsg& m);
Result<EaStatusMsg> ea_status_from_json(const nlohmann::json& data);

}  // namespace bitten::schema

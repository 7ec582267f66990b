#pragma once
// tick.<SYMBOL>: a validated, normalised price snapshot published by telemetry_bridge on 5560.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct TickMsg {
  static constexpr const char* kType = "tick";
  std::string symbol;
  double bid = 0;
  double ask = 0;
  double spread_points = 0;  // as the EA reported it (points, not pips)
  int64_t time_ns = 0;       // event time: the broker timestamp converted to UTC
  std::string uuid;          // the EA that delivered this tick first
  std::string broker_time;   // the EA's original broker-local "YYYY.MM.DD HH:MM:SS"

  bool operator==(const TickMsg&) const = default;
};

nlohmann::json to_json(const TickMsg& m);
Result<TickMsg> tick_from_json(const nlohmann::json& data);

// Appends the full envelope JSON for a tick without building a DOM (the bridge's hot path).
// Produces the same document as encode(EnvelopeWriter::make("tick", ts, to_json(m))).
void append_tick_envelope(std::string& out, const std::string& src, uint64_t seq, int64_t ts_ns, const TickMsg& m,
                          int digits);

}  // namespace bitten::schema

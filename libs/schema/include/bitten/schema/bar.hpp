#pragma once
// bar.<TF>.<SYMBOL>: an OHLC bar. The bridge republishes the EA's own M1 OHLC (source "ea");
// the market engine publishes bars it builds from ticks (source "ticks").
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct BarMsg {
  static constexpr const char* kType = "bar";
  std::string symbol;
  std::string timeframe;   // "M1", "M5", "M15", "M30", "H1"
  int64_t open_time_ns = 0;  // UTC, aligned to the period
  double open = 0, high = 0, low = 0, close = 0;
  int64_t ticks = 0;       // tick count (FX volume is 0 at the EA); 0 for EA bars
  std::string source;      // "ea" | "ticks"
  std::string uuid;        // the EA that sent it, for source "ea"

  bool operator==(const BarMsg&) const = default;
};

nlohmann::json to_json(const BarMsg& m);
Result<BarMsg> bar_from_json(const nlohmann::json& data);

}  // namespace bitten::schema

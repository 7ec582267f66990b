#pragma once
// outcome_tracker's own config keys (config/outcome_tracker.json).
#include <cstdint>
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::outcomes {

struct TrackerConfig {
  std::string market_sub = "tcp://127.0.0.1:5560";   // SUB tick.* from telemetry_bridge
  std::string signals_sub = "tcp://127.0.0.1:5557";  // SUB signal.* (scored) from ml_filter
  int sub_rcvhwm = 200'000;
  std::string db_path;                  // "" -> <state_dir>/bitten.db
  int64_t horizon_min = 240;            // signal grading horizon (the backtester's --horizon-min)
  int64_t fire_horizon_days = 30;       // a filled fire is watched this long for its SL/TP
  int64_t fire_poll_ms = 1000;          // how often FILLED fires (open positions) are read
  int64_t restore_limit = 50'000;       // newest ungraded signals re-tracked at start
  // Ticks kept per symbol (event time) and replayed into a new tracking: a signal arrives a few ms
  // after the tick that closed its bar, and that tick (time >= detected_ns) must be graded too, as
  // the backtester does.
  int64_t replay_window_s = 300;
  std::string account_currency = "USD"; // for P/L when the EA's currency is unknown

  int64_t horizon_ns() const { return horizon_min * 60'000'000'000LL; }
  int64_t fire_horizon_ns() const { return fire_horizon_days * 86'400'000'000'000LL; }
  static Result<TrackerConfig> read(runtime::ConfigReader& cfg, const std::string& state_dir);
};

}  // namespace bitten::outcomes

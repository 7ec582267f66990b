#pragma once
// signal.<SYMBOL>: a trade signal. Detectors PUSH candidates (no score) to ml_filter on 5559;
// ml_filter PUBlishes every scored signal (accepted or not) on 5557 with the score filled in.
// The order spec (entry, sl, tp) is fixed at detection: what is shown is what is traded and graded.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct SignalScore {
  bool accepted = false;
  std::optional<double> probability;  // nullopt under cold start (no model)
  double threshold = 0;               // probability threshold, or rule-confidence threshold at cold start
  std::string model_version;          // "none" at cold start
  std::string reason;                 // e.g. "model_accept", "model_reject", "cold_start_rule"
  int64_t scored_ns = 0;

  bool operator==(const SignalScore&) const = default;
};

struct SignalMsg {
  static constexpr const char* kType = "signal";
  std::string signal_id;
  std::string symbol;
  std::string direction;     // "BUY" | "SELL"
  std::string pattern;       // e.g. "LIQUIDITY_SWEEP_REVERSAL"
  std::string timeframe;     // "M1" | "M5" | "M15"
  std::string signal_class;  // "RAPID" | "SNIPER"
  std::string session;       // from market::session_of: "SYDNEY" "TOKYO" "LONDON" "NEW_YORK" "LONDON_NY" "CLOSED"
  double entry = 0, sl = 0, tp = 0;
  double sl_pips = 0, tp_pips = 0, rr = 0;
  double confidence = 0;     // rule confidence 0..100
  double spread_pips = 0;
  double atr_pips = 0;
  int64_t bar_time_ns = 0;   // open time of the bar the decision was made on (UTC)
  int64_t detected_ns = 0;   // event time of detection (the bar's close), not wall clock
  std::string source;        // detector daemon
  std::map<std::string, double> features;
  std::optional<SignalScore> score;

  bool operator==(const SignalMsg&) const = default;
};

nlohmann::json to_json(const SignalMsg& m);
Result<SignalMsg> signal_from_json(const nlohmann::json& data);

}  // namespace bitten::schema

#pragma once
// Runs one smart-money-concepts call written as in smc/generated/MANIFEST.csv, e.g.
// "ob(swing_highs_lows(swing_length=5), close_mitigation=True)", with the batch functions.
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/smc/batch.hpp"

namespace bitten::market::testing {

// Value of keyword `key` in a Python call ("5", "True", "'London'" -> "London"); empty if absent.
inline std::string kwarg(const std::string& call, const std::string& key) {
  const auto p = call.find(key + "=");
  if (p == std::string::npos) return {};
  size_t b = p + key.size() + 1, e = b;
  if (call[b] == '\'') {
    e = call.find('\'', b + 1);
    return call.substr(b + 1, e - b - 1);
  }
  while (e < call.size() && call[e] != ',' && call[e] != ')') ++e;
  return call.substr(b, e - b);
}

inline Result<Table> run_oracle_call(const OhlcSeries& ohlc, const std::string& call) {
  const std::string fn = call.substr(0, call.find('('));
  const std::string sl = kwarg(call, "swing_length");
  const int swing_length = sl.empty() ? 50 : std::stoi(sl);
  if (fn == "fvg") return smc::fvg(ohlc, kwarg(call, "join_consecutive") == "True");
  if (fn == "swing_highs_lows") return smc::swing_highs_lows(ohlc, swing_length);
  if (fn == "previous_high_low") {
    const auto tf = kwarg(call, "time_frame");
    return smc::previous_high_low(ohlc, tf.empty() ? "1D" : tf);
  }
  if (fn == "sessions")
    return smc::sessions(ohlc, kwarg(call, "session"), kwarg(call, "start_time"), kwarg(call, "end_time"),
                         kwarg(call, "time_zone").empty() ? "UTC" : kwarg(call, "time_zone"));
  const Table swings = smc::swing_highs_lows(ohlc, swing_length);
  if (fn == "bos_choch") return smc::bos_choch(ohlc, swings, kwarg(call, "close_break") != "False");
  if (fn == "ob") return smc::ob(ohlc, swings, kwarg(call, "close_mitigation") == "True");
  if (fn == "liquidity") {
    const auto rp = kwarg(call, "range_percent");
    return smc::liquidity(ohlc, swings, rp.empty() ? 0.01 : std::stod(rp));
  }
  if (fn == "retracements") return smc::retracements(ohlc, swings);
  return make_error("unknown_call", call);
}

}  // namespace bitten::market::testing

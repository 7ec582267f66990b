#pragma once
// Liquidity Sweep Reversal (SNIPER family, smart money).
//
// Liquidity = confirmed swing highs/lows (StreamingSwings, causal: a swing at bar c is known at
// c + L) that no bar has traded beyond since, and younger than max_swing_age bars.
// SELL on bar t when, for the highest such swing high S that bar t trades beyond:
//   1. high[t] - S >= sweep_min_atr * ATR           (stops above S were taken)
//   2. high[t] - S <= sweep_max_atr * ATR           (farther is a breakout, not a sweep)
//   3. close[t] < S                                 (closed back inside)
//   4. upper wick >= wick_min_ratio * range[t]      (rejection)
//   5. range[t] >= min_range_atr * ATR
// BUY is the mirror on swing lows. Every level bar t trades beyond is consumed (fired or not). A bar
// that sweeps both sides is ambiguous and gives nothing. Structure stop: the sweep extreme.
// Confidence = 50 + 15*wick + 15*back + 10*age + 10*session, where
//   wick = (wick_ratio - wick_min)/(1 - wick_min), back = (S - close)/(0.5 ATR),
//   age = level age / 20 bars (older liquidity is stronger), each clamped to [0, 1].
#include <vector>

#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class LiquiditySweepReversal final : public Pattern {
 public:
  explicit LiquiditySweepReversal(const LsrParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::LiquiditySweepReversal; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  struct Level {
    double price;
    size_t index;
  };
  LsrParams p_;
  std::vector<Level> highs_, lows_;
};

}  // namespace bitten::patterns

#pragma once
// BB Scalp (RAPID family, technical): mean reversion from a Bollinger band touch.
//
// SELL on bar t when:
//   1. high[t] >= BB upper                          (band touch)
//   2. close[t] < BB upper                          (closed back inside)
//   3. RSI[t] >= rsi_high                           (overbought)
//   4. upper wick >= wick_min_ratio * range[t]      (rejection wick)
// BUY mirrors at the lower band with RSI <= rsi_low. Structure stop: the bar's extreme.
// Confidence = 50 + 15*rsi + 15*wick + 10*pierce + 10*session, where
//   rsi = (RSI - rsi_high)/15, wick = (wick_ratio - wick_min)/(1 - wick_min),
//   pierce = (high - upper)/(0.5 ATR), clamped to [0, 1].
#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class BbScalp final : public Pattern {
 public:
  explicit BbScalp(const BbScalpParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::BbScalp; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  BbScalpParams p_;
};

}  // namespace bitten::patterns

#pragma once
// VCB Breakout (volatility compression breakout, RAPID family, technical).
//
// Squeeze on a bar: Bollinger(bb_period, bb_k) entirely inside Keltner(kc_period, kc_k).
// BUY on bar t when:
//   1. the squeeze lasted >= min_squeeze_bars consecutive bars, ending at bar t-1
//   2. close[t] > max(BB upper, KC upper) at t          (a close beyond both)
//   3. range[t] >= range_mult * mean range of the range_lookback bars before t (expanding range)
//   4. bar t is bullish with body >= body_min_ratio * range[t]
// SELL mirrors below both lower bands. Structure stop: the breakout bar's far extreme (low for BUY).
// Confidence = 50 + 15*squeeze + 15*expansion + 10*body + 10*session, where
//   squeeze = (run - min)/min, expansion = (ratio - range_mult)/range_mult,
//   body = (body_ratio - body_min)/(1 - body_min), clamped to [0, 1].
#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class VcbBreakout final : public Pattern {
 public:
  explicit VcbBreakout(const VcbParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::VcbBreakout; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  VcbParams p_;
  int squeeze_run_ = 0;  // consecutive squeeze bars up to the previous bar
};

}  // namespace bitten::patterns

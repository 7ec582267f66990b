#pragma once
// Momentum Burst (RAPID family, technical).
//
// The box: the box_bars bars before t (their highest high and lowest low).
// BUY on bar t when:
//   1. box height <= max_box_atr * ATR                       (tight consolidation)
//   2. range[t] >= wide_mult * mean range of the box bars     (wide-range candle)
//   3. bar t is bullish with body >= body_min_ratio * range[t] (strong body)
//   4. close[t] >= box high + breakout_min_atr * ATR          (closes beyond the box)
// SELL mirrors. Structure stop: the burst bar's far extreme (low for BUY).
// Confidence = 50 + 15*width + 15*body + 10*tight + 10*session, where
//   width = (ratio - wide_mult)/wide_mult, body = (body_ratio - body_min)/(1 - body_min),
//   tight = 1 - box/(max_box_atr*ATR), clamped to [0, 1].
#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class MomentumBurst final : public Pattern {
 public:
  explicit MomentumBurst(const MbParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::MomentumBurst; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  MbParams p_;
};

}  // namespace bitten::patterns

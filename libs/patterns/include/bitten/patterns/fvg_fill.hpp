#pragma once
// Fair Value Gap Fill (SNIPER family, smart money).
//
// Gaps come from StreamingFvg (causal, the oracle's non-joined definition): a bullish gap on middle
// candle i is [high[i-1], low[i+1]] with candle i bullish, known when i+1 closes; its first touch
// (low[j] <= top, j >= i+2) is reported when bar j closes. Bearish mirrors.
// BUY on bar t when a bullish gap G is first touched at t and:
//   1. G.top - G.bottom >= min_gap_atr * ATR
//   2. t - G.index <= max_age
//   3. close[t] > EMA(trend_ema_period)               (the trend agrees with the gap)
//   4. close[t] >= G.bottom                           (the gap held on close)
//   5. (close - low)/range >= close_pos_min           (bought back up inside the bar)
// Structure stop: min(G.bottom, low[t]). SELL mirrors. With several gaps touched at once the
// largest qualifying one is used.
// Confidence = 50 + 15*size + 15*pos + 10*fresh + 10*session, where size = gap/ATR,
// pos = (close_pos - close_pos_min)/(1 - close_pos_min), fresh = 1 - age/max_age, clamped to [0, 1].
#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class FairValueGapFill final : public Pattern {
 public:
  explicit FairValueGapFill(const FvgParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::FairValueGapFill; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  FvgParams p_;
};

}  // namespace bitten::patterns

#pragma once
// Order Block Bounce (SNIPER family, smart money).
//
// Structure: the last confirmed swing high and swing low (StreamingSwings, causal), each usable for
// one break (any close beyond a swing breaks it). A block is born on bar d when
//   - close[d] > last unbroken swing high (break of structure up), and
//   - bar d is a bullish displacement: body >= disp_body_atr * ATR;
// the block is the range [low, high] of the most recent bearish candle among the ob_lookback bars
// before d. (Bearish blocks mirror this on swing lows.) A block lives max_age bars.
// BUY on bar t when, for a live bullish block B with t - d >= min_bars_after:
//   1. low[t] <= B.high                          (price returned into the block: first touch)
//   2. close[t] > B.high                          (and was rejected back out of it)
//   3. lower wick >= wick_min_ratio * range[t]    (rejection wick)
// A touch consumes the block whether or not 2-3 hold; a close beyond its far edge kills it.
// Structure stop: min(B.low, low[t]).
// Confidence = 50 + 15*disp + 15*wick + 10*fresh + 10*session, where
//   disp = (body/ATR - disp_body_atr)/disp_body_atr, wick = (wick_ratio - wick_min)/(1 - wick_min),
//   fresh = 1 - age/max_age, each clamped to [0, 1].
#include <vector>

#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns {

class OrderBlockBounce final : public Pattern {
 public:
  explicit OrderBlockBounce(const ObbParams& p) : p_(p) {}
  PatternId id() const override { return PatternId::OrderBlockBounce; }
  std::optional<Detection> on_bar(const SeriesState& s) override;

 private:
  struct Block {
    Side side;
    double top, bottom;
    size_t created;
    double disp_atr;
  };
  struct Swing {
    double level;
    bool broken;
  };
  ObbParams p_;
  std::vector<Block> blocks_;
  std::optional<Swing> last_high_, last_low_;
};

}  // namespace bitten::patterns

#pragma once
// Causal fair value gaps (the oracle's non-joined definition): the gap on middle candle i is
// known when bar i+1 closes; its mitigation (first later bar j >= i+2 that touches it) is
// reported when bar j closes. At every bar t the state equals smc::fvg(bars[0..t]).
#include <cstddef>
#include <vector>

namespace bitten::market {

struct FairValueGap {
  size_t index;  // middle candle
  int type;      // +1 bullish, −1 bearish
  double top;
  double bottom;
  size_t mitigated_index = 0;  // 0 while untouched (the oracle's convention)
};

struct FvgEvents {
  std::vector<size_t> formed;     // indexes into gaps() of gaps found at this bar
  std::vector<size_t> mitigated;  // indexes into gaps() of gaps first touched at this bar
};

class StreamingFvg {
 public:
  FvgEvents on_bar(double open, double high, double low, double close);
  const std::vector<FairValueGap>& gaps() const { return gaps_; }
  size_t bars_seen() const { return t_; }

 private:
  struct Ohlc {
    double open, high, low, close;
  };
  size_t t_ = 0;
  Ohlc prev2_{}, prev1_{};
  std::vector<FairValueGap> gaps_;
  std::vector<size_t> open_gaps_;  // unmitigated
};

}  // namespace bitten::market

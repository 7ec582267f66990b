#include "bitten/market/streaming/streaming_fvg.hpp"

#include <algorithm>

namespace bitten::market {

FvgEvents StreamingFvg::on_bar(double open, double high, double low, double close) {
  const size_t t = t_++;
  FvgEvents ev;
  // Mitigation first: a gap found at this bar (middle candle t-1) can only be touched from t+1.
  auto keep = open_gaps_.begin();
  for (size_t g : open_gaps_) {
    FairValueGap& gap = gaps_[g];
    const bool touched = gap.type == 1 ? low <= gap.top : high >= gap.bottom;
    if (touched && t >= gap.index + 2) {
      gap.mitigated_index = t;
      ev.mitigated.push_back(g);
    } else {
      *keep++ = g;
    }
  }
  open_gaps_.erase(keep, open_gaps_.end());
  if (t >= 2) {
    const Ohlc& a = prev2_;  // i-1
    const Ohlc& m = prev1_;  // i
    if (a.high < low && m.close > m.open) {
      gaps_.push_back(FairValueGap{t - 1, 1, low, a.high});
    } else if (a.low > high && m.close < m.open) {
      gaps_.push_back(FairValueGap{t - 1, -1, a.low, high});
    }
    if (!gaps_.empty() && gaps_.back().index == t - 1) {
      ev.formed.push_back(gaps_.size() - 1);
      open_gaps_.push_back(gaps_.size() - 1);
    }
  }
  prev2_ = prev1_;
  prev1_ = Ohlc{open, high, low, close};
  return ev;
}

}  // namespace bitten::market

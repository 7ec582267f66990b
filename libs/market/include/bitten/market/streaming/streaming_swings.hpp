#pragma once
// Causal swing detection: the oracle's raw swing candidate at bar c (high[c] is the maximum of
// high[c-L+1 .. c+L], or low[c] the minimum) needs L bars after c, so it is reported when bar
// c+L arrives and never changes afterwards. The oracle's alternation clean-up and forced
// endpoints look further ahead and are not applied here (see docs/market.md).
#include <cstddef>
#include <deque>
#include <optional>

namespace bitten::market {

struct SwingPoint {
  size_t index;  // bar of the swing
  int type;      // +1 high, −1 low
  double level;
  size_t confirmed_at;  // bar at which it became known (index + L)
};

class StreamingSwings {
 public:
  explicit StreamingSwings(int swing_length);
  // Feeds bar t (0-based, consecutive); returns the swing confirmed at t, if any.
  std::optional<SwingPoint> on_bar(double high, double low);
  size_t bars_seen() const { return t_; }

 private:
  size_t L_;
  size_t t_ = 0;
  std::deque<std::pair<size_t, double>> max_q_, min_q_;  // monotonic window over the last 2L bars
  std::deque<std::pair<double, double>> recent_;          // (high, low) of the last L+1 bars
};

}  // namespace bitten::market

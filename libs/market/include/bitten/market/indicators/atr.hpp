#pragma once
// Average True Range with Wilder smoothing, matching ti_oracle/*/atr_14.csv:
// the first bar has no true range; TR = max(h−l, |h−prev c|, |l−prev c|); the first ATR (bar
// `period`) is the plain mean of TR over bars 1..period; then atr += (TR − atr)/period.
#include <optional>

namespace bitten::market {

class Atr {
 public:
  explicit Atr(int period) : period_(period) {}
  std::optional<double> update(double high, double low, double close);
  std::optional<double> value() const;
  // True range of the last bar (nullopt on the first bar).
  std::optional<double> true_range() const { return last_tr_; }

 private:
  int period_;
  bool has_prev_ = false;
  double prev_close_ = 0.0;
  int tr_count_ = 0;
  double tr_sum_ = 0.0;
  double atr_ = 0.0;
  std::optional<double> last_tr_;
};

}  // namespace bitten::market

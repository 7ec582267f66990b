#pragma once
// Exponential moving average, alpha = 2/(period+1), seeded with the SMA of the first `period`
// values (the technicalindicators / TA-Lib convention, so the first value is at index period-1).
#include <optional>

namespace bitten::market {

class Ema {
 public:
  explicit Ema(int period) : period_(period), alpha_(2.0 / (period + 1.0)) {}
  std::optional<double> update(double x) {
    if (seen_ < period_) {
      seed_sum_ += x;
      if (++seen_ == period_) value_ = seed_sum_ / period_;
    } else {
      value_ += alpha_ * (x - value_);
    }
    return value();
  }
  std::optional<double> value() const {
    if (seen_ < period_) return std::nullopt;
    return value_;
  }

 private:
  int period_;
  double alpha_;
  int seen_ = 0;
  double seed_sum_ = 0.0;
  double value_ = 0.0;
};

}  // namespace bitten::market

#pragma once
// Simple moving average of the last `period` values, O(1) per update.
#include <optional>

#include "bitten/market/indicators/rolling_window.hpp"

namespace bitten::market {

class Sma {
 public:
  explicit Sma(int period) : window_(static_cast<size_t>(period)) {}
  // The average once `period` values have been seen, else nullopt.
  std::optional<double> update(double x) {
    window_.push(x);
    return value();
  }
  std::optional<double> value() const {
    if (!window_.full()) return std::nullopt;
    return window_.mean();
  }

 private:
  RollingWindow window_;
};

}  // namespace bitten::market

#pragma once
// Relative Strength Index with Wilder smoothing: the first averages are the plain means of the
// first `period` gains and losses (so the first RSI is at index `period`), then
// avg += (x − avg)/period. RSI = 100 − 100/(1 + avg_gain/avg_loss), 100 when avg_loss is 0.
#include <optional>

namespace bitten::market {

class Rsi {
 public:
  explicit Rsi(int period) : period_(period) {}
  std::optional<double> update(double close);
  std::optional<double> value() const;

 private:
  int period_;
  bool has_prev_ = false;
  double prev_ = 0.0;
  int changes_ = 0;
  double avg_gain_ = 0.0;
  double avg_loss_ = 0.0;
};

}  // namespace bitten::market

#pragma once
// Bollinger Bands: SMA(close, period) ± k·σ with the population σ (divide by N), as in
// technicalindicators' BollingerBands and ../shared/data/real/ti_oracle/*/bb_20_2.csv.
#include <optional>

#include "bitten/market/indicators/rolling_window.hpp"

namespace bitten::market {

struct BollingerValue {
  double middle;
  double upper;
  double lower;
  double sigma;
};

class Bollinger {
 public:
  Bollinger(int period, double k) : window_(static_cast<size_t>(period)), k_(k) {}
  std::optional<BollingerValue> update(double close);
  std::optional<BollingerValue> value() const;

 private:
  RollingWindow window_;
  double k_;
};

}  // namespace bitten::market

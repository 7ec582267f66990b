#pragma once
// Keltner channels: EMA(close, ema_period) ± k·ATR(atr_period) (Wilder ATR as in atr.hpp).
// Used with Bollinger Bands for the volatility-compression (BB inside KC) test.
#include <optional>

#include "bitten/market/indicators/atr.hpp"
#include "bitten/market/indicators/ema.hpp"

namespace bitten::market {

struct KeltnerValue {
  double middle;
  double upper;
  double lower;
};

class Keltner {
 public:
  Keltner(int ema_period, int atr_period, double k) : ema_(ema_period), atr_(atr_period), k_(k) {}
  std::optional<KeltnerValue> update(double high, double low, double close) {
    ema_.update(close);
    atr_.update(high, low, close);
    return value();
  }
  std::optional<KeltnerValue> value() const {
    const auto mid = ema_.value();
    const auto atr = atr_.value();
    if (!mid || !atr) return std::nullopt;
    return KeltnerValue{*mid, *mid + k_ * *atr, *mid - k_ * *atr};
  }

 private:
  Ema ema_;
  Atr atr_;
  double k_;
};

}  // namespace bitten::market

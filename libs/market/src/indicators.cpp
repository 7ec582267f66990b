// Out-of-line parts of the incremental indicators (each is declared in its own header).
#include <algorithm>
#include <cmath>

#include "bitten/market/indicators/atr.hpp"
#include "bitten/market/indicators/bollinger.hpp"
#include "bitten/market/indicators/rsi.hpp"

namespace bitten::market {

std::optional<BollingerValue> Bollinger::update(double close) {
  window_.push(close);
  return value();
}

std::optional<BollingerValue> Bollinger::value() const {
  if (!window_.full()) return std::nullopt;
  const double mid = window_.mean();
  const double sigma = std::sqrt(window_.population_variance());
  return BollingerValue{mid, mid + k_ * sigma, mid - k_ * sigma, sigma};
}

std::optional<double> Atr::update(double high, double low, double close) {
  if (!has_prev_) {
    has_prev_ = true;
    prev_close_ = close;
    last_tr_.reset();
    return std::nullopt;
  }
  const double tr = std::max({high - low, std::fabs(high - prev_close_), std::fabs(low - prev_close_)});
  prev_close_ = close;
  last_tr_ = tr;
  if (tr_count_ < period_) {
    tr_sum_ += tr;
    if (++tr_count_ == period_) atr_ = tr_sum_ / period_;
  } else {
    atr_ += (tr - atr_) / period_;
  }
  return value();
}

std::optional<double> Atr::value() const {
  if (tr_count_ < period_) return std::nullopt;
  return atr_;
}

std::optional<double> Rsi::update(double close) {
  if (!has_prev_) {
    has_prev_ = true;
    prev_ = close;
    return std::nullopt;
  }
  const double change = close - prev_;
  prev_ = close;
  const double gain = change > 0 ? change : 0.0;
  const double loss = change < 0 ? -change : 0.0;
  if (changes_ < period_) {
    avg_gain_ += gain / period_;
    avg_loss_ += loss / period_;
    ++changes_;
  } else {
    avg_gain_ += (gain - avg_gain_) / period_;
    avg_loss_ += (loss - avg_loss_) / period_;
  }
  return value();
}

std::optional<double> Rsi::value() const {
  if (changes_ < period_) return std::nullopt;
  if (avg_loss_ == 0.0) return 100.0;
  return 100.0 - 100.0 / (1.0 + avg_gain_ / avg_loss_);
}

}  // namespace bitten::market

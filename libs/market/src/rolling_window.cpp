#include "bitten/market/indicators/rolling_window.hpp"

#include <algorithm>

namespace bitten::market {

RollingWindow::RollingWindow(size_t size) : buf_(std::max<size_t>(size, 1), 0.0) {}

void RollingWindow::push(double x) {
  const double n = static_cast<double>(buf_.size());
  if (count_ < buf_.size()) {
    buf_[head_] = x;
    head_ = (head_ + 1) % buf_.size();
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
  } else {
    const double old = buf_[head_];
    buf_[head_] = x;
    head_ = (head_ + 1) % buf_.size();
    const double old_mean = mean_;
    mean_ += (x - old) / n;
    m2_ += (x - old) * (x - mean_ + old - old_mean);
  }
  if (++since_anchor_ >= kReanchorEvery) reanchor();
}

void RollingWindow::reanchor() {
  since_anchor_ = 0;
  double sum = 0.0;
  for (size_t i = 0; i < count_; ++i) sum += buf_[i];
  mean_ = sum / static_cast<double>(count_);
  double m2 = 0.0;
  for (size_t i = 0; i < count_; ++i) m2 += (buf_[i] - mean_) * (buf_[i] - mean_);
  m2_ = m2;
}

double RollingWindow::population_variance() const {
  if (count_ == 0) return 0.0;
  return std::max(0.0, m2_ / static_cast<double>(count_));
}

}  // namespace bitten::market

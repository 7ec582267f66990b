#pragma once
// Fixed-size window of the last N values with an O(1) running mean and population variance.
// Sliding Welford updates drift slowly with cancellation, so every `kReanchorEvery` pushes the
// moments are recomputed exactly (two-pass) from the buffer: amortised O(1), and the result stays
// within ~1e-12 relative of a two-pass computation on every bar.
#include <cstddef>
#include <vector>

namespace bitten::market {

class RollingWindow {
 public:
  explicit RollingWindow(size_t size);

  void push(double x);
  bool full() const { return count_ == buf_.size(); }
  size_t size() const { return buf_.size(); }
  size_t count() const { return count_; }
  double mean() const { return mean_; }
  double population_variance() const;
  double oldest() const { return buf_[head_]; }

 private:
  void reanchor();

  static constexpr size_t kReanchorEvery = 256;
  std::vector<double> buf_;
  size_t head_ = 0;  // next slot to overwrite == oldest value once full
  size_t count_ = 0;
  size_t since_anchor_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from mean_
};

}  // namespace bitten::market

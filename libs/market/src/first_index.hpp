#pragma once
// "First row j >= from where x[j] crosses a threshold" in O(log n), via max/min segment trees.
// The oracle answers these with a full forward scan per signal (np.argmax over a mask); with a
// few thousand signals on 25k bars the scans dominate, so batch mode uses this instead.
#include <cstddef>
#include <limits>
#include <vector>

namespace bitten::market::detail {

class FirstIndex {
 public:
  explicit FirstIndex(const std::vector<double>& x) : n_(x.size()) {
    size_ = 1;
    while (size_ < n_) size_ <<= 1;
    max_.assign(2 * size_, -std::numeric_limits<double>::infinity());
    min_.assign(2 * size_, std::numeric_limits<double>::infinity());
    for (size_t i = 0; i < n_; ++i) max_[size_ + i] = min_[size_ + i] = x[i];
    for (size_t i = size_ - 1; i >= 1; --i) {
      max_[i] = max_[2 * i] > max_[2 * i + 1] ? max_[2 * i] : max_[2 * i + 1];
      min_[i] = min_[2 * i] < min_[2 * i + 1] ? min_[2 * i] : min_[2 * i + 1];
    }
  }
  static constexpr size_t npos = static_cast<size_t>(-1);

  size_t first_greater(size_t from, double t) const {
    return find(from, [&](size_t node) { return max_[node] > t; });
  }
  size_t first_greater_equal(size_t from, double t) const {
    return find(from, [&](size_t node) { return max_[node] >= t; });
  }
  size_t first_less(size_t from, double t) const {
    return find(from, [&](size_t node) { return min_[node] < t; });
  }
  size_t first_less_equal(size_t from, double t) const {
    return find(from, [&](size_t node) { return min_[node] <= t; });
  }

 private:
  template <class Pred>
  size_t find(size_t from, Pred pred) const {
    if (from >= n_) return npos;
    return descend(1, 0, size_, from, pred);
  }
  template <class Pred>
  size_t descend(size_t node, size_t lo, size_t hi, size_t from, Pred& pred) const {
    if (hi <= from || !pred(node)) return npos;
    if (hi - lo == 1) return lo < n_ ? lo : npos;
    const size_t mid = (lo + hi) / 2;
    const size_t left = descend(2 * node, lo, mid, from, pred);
    if (left != npos) return left;
    return descend(2 * node + 1, mid, hi, from, pred);
  }

  size_t n_;
  size_t size_;
  std::vector<double> max_, min_;
};

}  // namespace bitten::market::detail

#include "bitten/ml/split.hpp"

#include <algorithm>
#include <string>

namespace bitten::ml {

namespace {

// Moves `end` back past rows within embargo_ns of times[boundary].
size_t embargoed_end(std::span<const int64_t> times, size_t begin, size_t end, size_t boundary, int64_t embargo_ns) {
  if (embargo_ns <= 0 || boundary >= times.size()) return end;
  const int64_t limit = times[boundary] - embargo_ns;
  while (end > begin && times[end - 1] > limit) --end;
  return end;
}

}  // namespace

Result<TimeSplit> time_split(std::span<const int64_t> times, double train_fraction, double validation_fraction,
                             int64_t embargo_ns) {
  if (!std::is_sorted(times.begin(), times.end())) return make_error("bad_split", "rows are not sorted by time");
  if (!(train_fraction > 0) || !(validation_fraction > 0) || train_fraction + validation_fraction >= 1.0)
    return make_error("bad_split", "need 0 < train, 0 < validation, train + validation < 1");
  const size_t n = times.size();
  const auto n_train = static_cast<size_t>(static_cast<double>(n) * train_fraction);
  const auto n_valid = static_cast<size_t>(static_cast<double>(n) * validation_fraction);
  TimeSplit s;
  s.train = {0, embargoed_end(times, 0, n_train, n_train, embargo_ns)};
  s.validation = {n_train, embargoed_end(times, n_train, n_train + n_valid, n_train + n_valid, embargo_ns)};
  s.test = {n_train + n_valid, n};
  if (s.train.size() == 0 || s.validation.size() == 0 || s.test.size() == 0)
    return make_error("bad_split", "a part is empty (" + std::to_string(n) + " rows; train " +
                                       std::to_string(s.train.size()) + ", validation " +
                                       std::to_string(s.validation.size()) + ", test " +
                                       std::to_string(s.test.size()) + ")");
  return s;
}

Result<std::vector<WalkForwardFold>> walk_forward_folds(std::span<const int64_t> times, size_t n_folds,
                                                        size_t min_train, int64_t embargo_ns) {
  if (!std::is_sorted(times.begin(), times.end())) return make_error("bad_split", "rows are not sorted by time");
  const size_t n = times.size();
  if (n_folds == 0 || min_train >= n || (n - min_train) < n_folds)
    return make_error("bad_split", "not enough rows for " + std::to_string(n_folds) + " folds after " +
                                       std::to_string(min_train) + " training rows");
  const size_t block = (n - min_train) / n_folds;
  std::vector<WalkForwardFold> folds;
  for (size_t k = 0; k < n_folds; ++k) {
    const size_t test_begin = min_train + k * block;
    const size_t test_end = k + 1 == n_folds ? n : test_begin + block;
    WalkForwardFold f{{0, embargoed_end(times, 0, test_begin, test_begin, embargo_ns)}, {test_begin, test_end}};
    if (f.train.size() == 0) return make_error("bad_split", "the embargo leaves fold " + std::to_string(k) + " empty");
    folds.push_back(f);
  }
  return folds;
}

}  // namespace bitten::ml

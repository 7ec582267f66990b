#pragma once
// Time-ordered splits: training always precedes what it is judged on. Rows must be sorted by time
// (make_dataset does this). An embargo drops the last rows before each boundary whose time is within
// embargo_ns of the next part's first row: their outcomes (graded up to the horizon later) would
// overlap the next part, leaking its prices into training. Use the grading horizon as the embargo.
#include <cstdint>
#include <span>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::ml {

struct RowRange {
  size_t begin = 0, end = 0;  // [begin, end)
  size_t size() const { return end > begin ? end - begin : 0; }
  bool operator==(const RowRange&) const = default;
};

struct TimeSplit {
  RowRange train, validation, test;
};

// Chronological train | validation | test by row fractions (test gets the rest).
// Refuses unsorted times, bad fractions, or an empty part.
Result<TimeSplit> time_split(std::span<const int64_t> times, double train_fraction, double validation_fraction,
                             int64_t embargo_ns = 0);

struct WalkForwardFold {
  RowRange train, test;
};

// Expanding-window walk-forward: the rows after the first min_train rows are cut into n_folds equal
// consecutive test blocks; each fold trains on everything before its block (minus the embargo).
Result<std::vector<WalkForwardFold>> walk_forward_folds(std::span<const int64_t> times, size_t n_folds,
                                                        size_t min_train, int64_t embargo_ns = 0);

}  // namespace bitten::ml

#pragma once
// Labelled rows for training and evaluation, built only through FeatureEncoder::encode.
#include <cstdint>
#include <span>
#include <vector>

#include "bitten/grading/trade.hpp"
#include "bitten/ml/features.hpp"
#include "bitten/schema/signal.hpp"

namespace bitten::ml {

// A scored or unscored signal with its graded outcome (an ml_training row).
struct LabelledSignal {
  schema::SignalMsg signal;
  grading::Outcome outcome = grading::Outcome::Pending;
};

struct Dataset {
  size_t n_cols = 0;
  std::vector<float> x;                 // row-major, rows() x n_cols
  std::vector<float> y;                 // 1 = WIN, 0 = LOSS
  std::vector<int64_t> time_ns;         // the signal's bar_time_ns; rows are sorted by it
  std::vector<double> rr;               // the signal's reward:risk, for realised R
  std::vector<double> rule_confidence;  // the signal's rule confidence, for the rule baseline

  size_t rows() const { return y.size(); }
  std::span<const float> row(size_t i) const { return {x.data() + i * n_cols, n_cols}; }
  // Rows [begin, end).
  Dataset slice(size_t begin, size_t end) const;
};

struct DatasetBuild {
  Dataset data;
  size_t excluded_timeout = 0;  // TIMEOUT rows: never trained on (docs/ml.md §Label)
  size_t excluded_pending = 0;  // not graded yet
};

// Encodes WIN/LOSS signals with the encoder, in bar_time order (stable for equal times).
DatasetBuild make_dataset(std::span<const LabelledSignal> rows, const FeatureEncoder& encoder);

// Realised R of one row: rr for a WIN, -1 for a LOSS.
inline double realised_r(float label, double rr) { return label > 0.5f ? rr : -1.0; }

}  // namespace bitten::ml

#pragma once
// The training recipe the ml_trainer job runs (docs/ml.md §Training):
//  1. encode WIN/LOSS rows (TIMEOUT/PENDING excluded) in time order;
//  2. split chronologically train | validation | test with an embargo of one grading horizon;
//  3. fit the feature code tables on the training window only; train with a fixed seed;
//  4. choose the accept threshold on validation (threshold.hpp); report metrics and calibration;
//  5. score the test window (the holdout) with the candidate and the rule baseline, so the caller
//     can run decide_promotion() against the current model on exactly those rows.
#include <span>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/ml/dataset.hpp"
#include "bitten/ml/metrics.hpp"
#include "bitten/ml/model.hpp"
#include "bitten/ml/promotion.hpp"
#include "bitten/ml/split.hpp"
#include "bitten/ml/threshold.hpp"

namespace bitten::ml {

struct TrainingConfig {
  TrainParams params;
  double train_fraction = 0.6;
  double validation_fraction = 0.2;
  int64_t embargo_ns = 0;              // set to the grading horizon
  ThresholdRule threshold;
  FeatureSchema::FitOptions features;  // extra feature keys, min category count
  size_t calibration_buckets = 10;
  std::string model_version;           // recorded in the metadata
  int64_t created_ns = 0;              // recorded in the metadata (the job's event time)
};

struct TrainingReport {
  explicit TrainingReport(Model m) : model(std::move(m)) {}
  Model model;                         // metadata filled: windows, metrics, threshold, version
  size_t excluded_timeout = 0, excluded_pending = 0;
  Metrics train_metrics, validation_metrics, test_metrics, baseline_test_metrics;
  std::vector<CalibrationBucket> validation_calibration;
  ThresholdChoice threshold;
  Dataset holdout;                     // the test window, encoded with the model's schema
  std::vector<double> holdout_candidate;  // candidate P(WIN) on the holdout
  std::vector<double> holdout_baseline;   // rule baseline P(WIN) on the holdout
  RuleBaseline baseline;
};

Result<TrainingReport> train_and_validate(std::span<const LabelledSignal> rows, const TrainingConfig& config);

}  // namespace bitten::ml

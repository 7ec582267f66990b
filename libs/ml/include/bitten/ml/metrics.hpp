#pragma once
// Probability metrics on a holdout: AUC (with its standard error), log loss, Brier score, and a
// calibration table by probability bucket. y is 1 for WIN, 0 for LOSS.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace bitten::ml {

// Area under the ROC curve; tied scores count one half (average ranks). NaN when a class is absent.
double auc(std::span<const double> p, std::span<const float> y);
// Hanley & McNeil (1982) standard error of an AUC; NaN when a class is absent.
double auc_standard_error(double auc_value, size_t n_pos, size_t n_neg);
// Mean negative log likelihood, probabilities clipped to [eps, 1 - eps].
double log_loss(std::span<const double> p, std::span<const float> y, double eps = 1e-15);
// Mean squared error of the probability.
double brier(std::span<const double> p, std::span<const float> y);

struct Metrics {
  size_t n = 0;
  size_t wins = 0;
  double base_rate = 0;  // wins / n
  double auc = 0;
  double auc_se = 0;
  double log_loss = 0;
  double brier = 0;
};
Metrics evaluate(std::span<const double> p, std::span<const float> y);
nlohmann::json to_json(const Metrics& m);

struct CalibrationBucket {
  double lo = 0, hi = 0;       // bucket [lo, hi); the last bucket includes 1.0
  size_t count = 0;
  double mean_predicted = 0;   // 0 when empty
  double win_rate = 0;         // realised; 0 when empty
};
// n_buckets equal-width buckets over [0, 1].
std::vector<CalibrationBucket> calibration_table(std::span<const double> p, std::span<const float> y,
                                                 size_t n_buckets = 10);
nlohmann::json to_json(const std::vector<CalibrationBucket>& table);

}  // namespace bitten::ml

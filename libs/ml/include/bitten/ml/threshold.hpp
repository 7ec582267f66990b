#pragma once
// Accept-threshold choice on the validation window (docs/ml.md §Threshold).
// For each candidate t on a grid, the accepted rows are those with p >= t; their realised mean R is
// mean(WIN ? rr : -1). The chosen t maximises that mean R among thresholds accepting at least
// min_count rows; ties go to the lower threshold (more trades). found = false when no threshold
// accepts min_count rows; then threshold = fallback.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>

namespace bitten::ml {

struct ThresholdRule {
  size_t min_count = 30;
  double lo = 0.30, hi = 0.90, step = 0.01;
  double fallback = 0.5;
};

struct ThresholdChoice {
  bool found = false;
  double threshold = 0.5;
  size_t accepted = 0;
  double win_rate = 0;
  double mean_r = 0;          // realised R per accepted trade
  double total_r = 0;
  double mean_expected_r = 0; // mean of p*rr - (1-p) over the accepted rows (the model's own view)
};

ThresholdChoice choose_threshold(std::span<const double> p, std::span<const float> y, std::span<const double> rr,
                                 const ThresholdRule& rule = {});
nlohmann::json to_json(const ThresholdChoice& c);

}  // namespace bitten::ml

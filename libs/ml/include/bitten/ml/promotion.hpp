#pragma once
// Promotion gate (docs/ml.md §Promotion). A candidate is compared on ONE holdout (same rows, same
// labels) with the rule baseline and, when one exists, the current model. Holdout rows are not
// independent (signals close in time share the same price path), so uncertainty is measured over
// time blocks of block_ns (default: one 4 h grading horizon), not over rows. Promoted only when:
//  1. the holdout has at least min_holdout rows and both classes;
//  2. its AUC beats chance with margin: auc - z * se > 0.5, se = max(Hanley-McNeil, block bootstrap);
//  3. it beats the rule baseline: mean per-row log-loss gain >= min_log_loss_gain, and
//     gain - z * se_block(gain) > 0 (paired, block-clustered), and AUC not lower than the baseline's;
//  4. it beats the current model the same way (AUC may drop by at most max_auc_drop).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bitten/ml/metrics.hpp"

namespace bitten::ml {

// The rule baseline: the win rate of the training rows in the same rule-confidence bucket (equal-count
// buckets on the training confidences), shrunk toward the overall rate by `prior_weight` pseudo-rows.
// It is what rule confidence alone knows, made into a calibrated probability.
class RuleBaseline {
 public:
  static RuleBaseline fit(std::span<const double> confidence, std::span<const float> y, size_t n_buckets = 5,
                          double prior_weight = 10);
  double predict(double confidence) const;
  std::vector<double> predict(std::span<const double> confidence) const;
  double base_rate() const { return base_rate_; }

 private:
  std::vector<double> upper_edges_;  // bucket b holds confidence <= upper_edges_[b] (last: everything)
  std::vector<double> rates_;
  double base_rate_ = 0.5;
};

struct PromotionRules {
  size_t min_holdout = 50;
  double z = 2.0;
  double min_log_loss_gain = 0.002;
  double max_auc_drop = 0.0;
  int64_t block_ns = 4LL * 3600 * 1'000'000'000;
  int bootstrap_rounds = 200;
  uint64_t seed = 42;
};

// Paired comparison of per-row log loss: gain = mean(loss_other - loss_candidate), with its
// block-clustered standard error.
struct PairedGain {
  double gain = 0;
  double se = 0;
};

struct PromotionDecision {
  bool promote = false;
  std::string reason;  // "holdout_too_small" | "not_better_than_chance" | "not_better_than_baseline" |
                       // "not_better_than_current" | "better_than_baseline" | "better_than_current"
  Metrics candidate, baseline;
  std::optional<Metrics> current;
  size_t blocks = 0;
  double auc_block_se = 0;     // block-bootstrap standard error of the candidate's AUC
  PairedGain vs_baseline;
  std::optional<PairedGain> vs_current;
};

// y, time_ns and every p_* describe the same holdout rows. time_ns may be empty (each row is a block).
PromotionDecision decide_promotion(std::span<const float> y, std::span<const int64_t> time_ns,
                                   std::span<const double> p_candidate,
                                   std::span<const double> p_baseline,
                                   std::optional<std::span<const double>> p_current, const PromotionRules& rules = {});
nlohmann::json to_json(const PromotionDecision& d);

}  // namespace bitten::ml

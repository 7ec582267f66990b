#pragma once
// ml_trainer's config keys (config/ml_trainer.json).
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/ml/model.hpp"
#include "bitten/ml/promotion.hpp"
#include "bitten/ml/threshold.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::trainer {

struct TrainerConfig {
  std::string db_path;      // "" -> <state_dir>/bitten.db
  std::string models_dir;   // "" -> <state_dir>/models
  bool use_database = true; // read ml_training rows (the CSV rows of --from-csv are added)
  int64_t horizon_min = 240;  // grading horizon = the split embargo
  size_t min_rows = 200;      // fewer labelled rows: nothing is trained (clean exit)
  double train_fraction = 0.6;
  double validation_fraction = 0.2;
  size_t walk_forward_folds = 4;
  ml::TrainParams params;
  ml::ThresholdRule threshold;
  size_t min_category_count = 5;
  std::vector<std::string> extra_features;  // empty = every f.<key> seen in the rows
  ml::PromotionRules promotion;

  int64_t embargo_ns() const { return horizon_min * 60'000'000'000LL; }
  static Result<TrainerConfig> read(runtime::ConfigReader& cfg, const std::string& state_dir);
};

}  // namespace bitten::trainer

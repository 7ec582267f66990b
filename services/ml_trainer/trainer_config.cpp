#include "trainer_config.hpp"

namespace bitten::trainer {

Result<TrainerConfig> TrainerConfig::read(runtime::ConfigReader& cfg, const std::string& state_dir) {
  TrainerConfig c;
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.models_dir = cfg.get<std::string>("models_dir", c.models_dir);
  c.use_database = cfg.get<bool>("use_database", c.use_database);
  c.horizon_min = cfg.get<int64_t>("horizon_min", c.horizon_min);
  c.min_rows = static_cast<size_t>(cfg.get<int64_t>("min_rows", static_cast<int64_t>(c.min_rows)));
  c.train_fraction = cfg.get<double>("train_fraction", c.train_fraction);
  c.validation_fraction = cfg.get<double>("validation_fraction", c.validation_fraction);
  c.walk_forward_folds = static_cast<size_t>(cfg.get<int64_t>("walk_forward_folds", 4));
  c.min_category_count = static_cast<size_t>(cfg.get<int64_t>("min_category_count", 5));
  auto extra = cfg.raw("extra_features");
  if (extra.is_array()) {
    for (auto& e : extra) {
      if (e.is_string()) c.extra_features.push_back(e.get<std::string>());
      else cfg.fail("extra_features", "must be a list of feature names");
    }
  } else if (!extra.is_null()) {
    cfg.fail("extra_features", "must be a list of feature names ([] = every f.<key> seen)");
  }
  auto p = cfg.section("params");
  c.params.rounds = p.get<int>("rounds", c.params.rounds);
  c.params.max_depth = p.get<int>("max_depth", c.params.max_depth);
  c.params.eta = p.get<double>("eta", c.params.eta);
  c.params.subsample = p.get<double>("subsample", c.params.subsample);
  c.params.colsample_bytree = p.get<double>("colsample_bytree", c.params.colsample_bytree);
  c.params.min_child_weight = p.get<double>("min_child_weight", c.params.min_child_weight);
  c.params.lambda = p.get<double>("lambda", c.params.lambda);
  c.params.seed = static_cast<uint64_t>(p.get<int64_t>("seed", 42));
  c.params.nthread = p.get<int>("nthread", c.params.nthread);
  auto t = cfg.section("threshold");
  c.threshold.min_count = static_cast<size_t>(t.get<int64_t>("min_count", 30));
  c.threshold.lo = t.get<double>("lo", c.threshold.lo);
  c.threshold.hi = t.get<double>("hi", c.threshold.hi);
  c.threshold.step = t.get<double>("step", c.threshold.step);
  auto pr = cfg.section("promotion");
  c.promotion.min_holdout = static_cast<size_t>(pr.get<int64_t>("min_holdout", 50));
  c.promotion.z = pr.get<double>("z", c.promotion.z);
  c.promotion.min_log_loss_gain = pr.get<double>("min_log_loss_gain", c.promotion.min_log_loss_gain);
  c.promotion.max_auc_drop = pr.get<double>("max_auc_drop", c.promotion.max_auc_drop);
  c.promotion.bootstrap_rounds = pr.get<int>("bootstrap_rounds", c.promotion.bootstrap_rounds);
  c.promotion.block_ns = c.embargo_ns();
  if (c.db_path.empty()) c.db_path = state_dir + "/bitten.db";
  if (c.models_dir.empty()) c.models_dir = state_dir + "/models";
  if (c.horizon_min <= 0) cfg.fail("horizon_min", "must be positive");
  if (c.train_fraction <= 0 || c.validation_fraction <= 0 || c.train_fraction + c.validation_fraction >= 1)
    cfg.fail("train_fraction", "train_fraction and validation_fraction must be > 0 and sum to < 1");
  if (c.walk_forward_folds > 20) cfg.fail("walk_forward_folds", "must be 0..20");
  if (c.params.rounds <= 0 || c.params.max_depth <= 0 || c.params.eta <= 0) cfg.fail("params", "rounds, max_depth, eta must be positive");
  if (c.params.nthread <= 0) cfg.fail("params.nthread", "must be positive");
  if (c.threshold.lo <= 0 || c.threshold.hi >= 1 || c.threshold.lo >= c.threshold.hi || c.threshold.step <= 0)
    cfg.fail("threshold", "need 0 < lo < hi < 1 and step > 0");
  return c;
}

}  // namespace bitten::trainer

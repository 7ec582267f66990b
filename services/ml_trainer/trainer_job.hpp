#pragma once
// The ml_trainer job (docs/learning_loop.md §Trainer): labelled rows in, a validated model out,
// recorded in the registry whether promoted or not. No sockets; time is passed in.
//
//  1. rows: the ml_training table (outcome_tracker) and/or bitten-backtest --training-out CSVs,
//     de-duplicated by signal_id (the database row wins); TIMEOUT rows are never trained on;
//  2. ml::train_and_validate: time-ordered train 60 % | validation 20 % | test 20 % with an embargo of
//     one grading horizon, fixed seed, threshold chosen on validation (max mean realised R with at
//     least threshold.min_count accepted rows);
//  3. walk-forward report: expanding-window folds, each trained on its past only;
//  4. promotion: ml::decide_promotion on the test window against the rule baseline and the current
//     model (re-scored on the same rows through its own feature schema), and the chosen threshold's
//     mean realised R on validation must be > 0;
//  5. writes <models_dir>/<version>/ (model.json + metadata.json), adds the model to the registry with
//     its metrics, promotes it when it passed.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/ml/dataset.hpp"
#include "bitten/store/database.hpp"
#include "trainer_config.hpp"

namespace bitten::trainer {

// bitten-backtest --training-out rows (WIN/LOSS only), as signals with the fields the features use.
Result<std::vector<ml::LabelledSignal>> read_training_csv(const std::string& path);
// ml_training rows with a label (the stored signal JSON is the feature source).
Result<std::vector<ml::LabelledSignal>> read_training_db(store::Database& db);
// Rows of b whose signal_id is not in a are appended to a.
void merge_rows(std::vector<ml::LabelledSignal>& a, std::vector<ml::LabelledSignal> b);

struct JobResult {
  bool trained = false;
  bool promoted = false;
  std::string version;     // empty when not trained
  std::string reason;      // "too_few_rows" | decide_promotion reason | "threshold_not_profitable" | ...
  std::string model_dir;
  nlohmann::json summary;  // what went into the registry's metrics_json
};

// Runs steps 2-5 on the rows. report receives the human-readable metrics tables.
Result<JobResult> run_training(const TrainerConfig& cfg, const std::vector<ml::LabelledSignal>& rows,
                               store::Database& db, int64_t now_ns, std::ostream& report);

// The previous promoted model becomes current again (ModelRepo::rollback). Returns its version.
Result<std::string> run_rollback(store::Database& db, int64_t now_ns);

}  // namespace bitten::trainer

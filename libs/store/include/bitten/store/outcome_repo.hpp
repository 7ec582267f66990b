#pragma once
// outcomes and ml_training: written by outcome_tracker; ml_trainer reads.
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

class OutcomeRepo {
 public:
  explicit OutcomeRepo(Database& db) : db_(db) {}

  // One grade per (signal, fire) pair (fire unset: the signal's own grade). true: inserted;
  // false: already graded (unchanged).
  Result<bool> record(const OutcomeRecord& o);
  Result<std::vector<OutcomeRecord>> for_signal(const std::string& signal_id);
  Result<std::vector<OutcomeRecord>> resolved_since(int64_t since_ns, int limit);

  // Inserts or replaces the training row of a signal.
  Status put_training(const TrainingRow& row);
  // Labelled rows (WIN/LOSS) in detection-time order, for a walk-forward split.
  Result<std::vector<TrainingRow>> labelled_training(int64_t since_ns = 0);

 private:
  Database& db_;
};

}  // namespace bitten::store

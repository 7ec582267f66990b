#pragma once
// Shared by the learning-loop tests: temp folders, scored signals, holdout selection.
#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "bitten/ml/dataset.hpp"
#include "bitten/ml/split.hpp"
#include "bitten/ml/trainer.hpp"
#include "bitten/store/records.hpp"

namespace bitten::test {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("bitten_mld_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string str(const std::string& rel = "") const { return rel.empty() ? path.string() : (path / rel).string(); }
};

inline store::ModelRecord model_record(const std::string& version, const std::string& path, int64_t created_ns,
                                       double threshold = 0.5) {
  store::ModelRecord r;
  r.version = version;
  r.path = path;
  r.created_ns = created_ns;
  r.threshold = threshold;
  return r;
}

// The WIN/LOSS signals of the trainer's test window, in the trainer's row order.
inline std::vector<schema::SignalMsg> holdout_signals(const std::vector<ml::LabelledSignal>& rows,
                                                      const ml::TrainingConfig& tc) {
  std::vector<const ml::LabelledSignal*> g;
  for (const auto& r : rows)
    if (r.outcome == grading::Outcome::Win || r.outcome == grading::Outcome::Loss) g.push_back(&r);
  std::stable_sort(g.begin(), g.end(), [](auto* a, auto* b) { return a->signal.bar_time_ns < b->signal.bar_time_ns; });
  std::vector<int64_t> times;
  for (auto* r : g) times.push_back(r->signal.bar_time_ns);
  auto split = ml::time_split(times, tc.train_fraction, tc.validation_fraction, tc.embargo_ns);
  std::vector<schema::SignalMsg> out;
  if (!split) return out;
  for (size_t i = split->test.begin; i < split->test.end; ++i) out.push_back(g[i]->signal);
  return out;
}

inline ml::TrainingConfig small_training_config(int64_t horizon_ns, uint64_t seed = 42, int rounds = 60) {
  ml::TrainingConfig tc;
  tc.params.rounds = rounds;
  tc.params.seed = seed;
  tc.embargo_ns = horizon_ns;
  tc.threshold.min_count = 10;
  tc.model_version = "test-" + std::to_string(seed);
  tc.created_ns = 1'700'000'000'000'000'000LL + static_cast<int64_t>(seed);
  return tc;
}

}  // namespace bitten::test

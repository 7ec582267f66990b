#include "bitten/ml/trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "real_signals.hpp"

using namespace bitten;
using namespace bitten::ml;

namespace {

const testdata::RealRows& real();

TrainingConfig config() {
  TrainingConfig c;
  c.params.rounds = 100;
  c.params.max_depth = 3;
  c.embargo_ns = real().horizon_ns();
  c.features.extra = {"bb_pos", "body_atr"};
  c.threshold.min_count = real().full_data ? 30 : 5;
  c.model_version = "wf-test";
  c.created_ns = 1;
  return c;
}

const testdata::RealRows& real() {
  static const testdata::RealRows r = testdata::load_real_rows();
  return r;
}

// Labels of the earliest `fraction` of the graded rows (the training window) shuffled; later rows
// keep their true labels, so the holdout is real.
std::vector<LabelledSignal> shuffle_training_labels(std::vector<LabelledSignal> rows, unsigned seed, double fraction) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.signal.bar_time_ns < b.signal.bar_time_ns; });
  std::vector<size_t> graded;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].outcome == grading::Outcome::Win || rows[i].outcome == grading::Outcome::Loss) graded.push_back(i);
  const size_t n = static_cast<size_t>(static_cast<double>(graded.size()) * fraction);
  std::mt19937_64 rng(seed);
  for (size_t i = n; i > 1; --i) {  // Fisher-Yates with our own index draw (portable across libstdc++)
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(rows[graded[i - 1]].outcome, rows[graded[j]].outcome);
  }
  return rows;
}

}  // namespace

TEST(Training, ReportIsCompleteAndMetadataRecordsIt) {
  auto rep = train_and_validate(real().rows, config());
  ASSERT_TRUE(rep.ok()) << rep.error().message << " (" << real().description << ")";
  const auto& meta = rep->model.metadata();
  EXPECT_EQ(meta.model_version, "wf-test");
  EXPECT_GT(meta.train.rows, 0u);
  EXPECT_LT(meta.train.to_ns, meta.validation.from_ns);
  EXPECT_LT(meta.validation.to_ns, meta.test.from_ns);
  // The embargo keeps a horizon between the parts.
  EXPECT_LE(meta.train.to_ns, meta.validation.from_ns - real().horizon_ns());
  EXPECT_EQ(rep->holdout.rows(), meta.test.rows);
  EXPECT_EQ(rep->holdout_candidate.size(), rep->holdout.rows());
  EXPECT_EQ(rep->validation_calibration.size(), 10u);
  size_t counted = 0;
  for (const auto& b : rep->validation_calibration) counted += b.count;
  EXPECT_EQ(counted, meta.validation.rows);
  EXPECT_DOUBLE_EQ(meta.threshold, rep->threshold.threshold);
  EXPECT_TRUE(meta.metrics.contains("validation_calibration"));
  EXPECT_TRUE(meta.metrics.contains("threshold_choice"));
  EXPECT_GT(rep->excluded_timeout + rep->train_metrics.n, 0u);
  // TIMEOUT and PENDING rows never reach any part; the embargo only removes rows.
  EXPECT_LE(rep->train_metrics.n + rep->validation_metrics.n + rep->test_metrics.n,
            real().rows.size() - rep->excluded_timeout - rep->excluded_pending);
  EXPECT_GT(rep->excluded_timeout, 0u);
}

TEST(Training, RealModelBeatsTheRuleBaseline) {
  if (!real().full_data) GTEST_SKIP() << "needs ../shared/data/real (BITTEN_SHARED_DATA) for enough rows";
  auto rep = train_and_validate(real().rows, config());
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  auto d = decide_promotion(rep->holdout.y, rep->holdout.time_ns, rep->holdout_candidate, rep->holdout_baseline, std::nullopt);
  EXPECT_TRUE(d.promote) << to_json(d).dump();
  std::cout << "[ info     ] " << to_json(d).dump() << "\n[ info     ] threshold " << to_json(rep->threshold).dump()
            << "\n[ info     ] rows " << real().rows.size() << ", timeouts " << rep->excluded_timeout
            << ", train/validation/test " << rep->train_metrics.n << "/" << rep->validation_metrics.n << "/"
            << rep->test_metrics.n << "\n";
  // The same model as "current" on the same holdout is not an improvement.
  auto same = decide_promotion(rep->holdout.y, rep->holdout.time_ns, rep->holdout_candidate, rep->holdout_baseline,
                               std::span<const double>(rep->holdout_candidate));
  EXPECT_FALSE(same.promote);
  EXPECT_EQ(same.reason, "not_better_than_current");
}

TEST(Training, ShuffledLabelsNeverBeatTheBaseline) {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u}) {
    const auto rows = shuffle_training_labels(real().rows, seed, config().train_fraction);
    auto rep = train_and_validate(rows, config());
    if (!rep.ok()) {
      // Too few rows to split is also "not promoted"; only the excerpt can get here.
      ASSERT_FALSE(real().full_data) << rep.error().message;
      continue;
    }
    auto d = decide_promotion(rep->holdout.y, rep->holdout.time_ns, rep->holdout_candidate, rep->holdout_baseline, std::nullopt);
    EXPECT_FALSE(d.promote) << "seed " << seed << ": " << to_json(d).dump();
    std::cout << "[ info     ] seed " << seed << ": " << d.reason << " auc " << d.candidate.auc << "\n";
  }
}

TEST(Training, RefusesTooFewRows) {
  std::vector<LabelledSignal> few(real().rows.begin(), real().rows.begin() + std::min<size_t>(2, real().rows.size()));
  auto rep = train_and_validate(few, config());
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.error().code, "bad_split");
}

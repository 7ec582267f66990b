#include "bitten/ml/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "bitten/ml/promotion.hpp"
#include "bitten/ml/split.hpp"
#include "bitten/ml/threshold.hpp"

using namespace bitten::ml;

TEST(Metrics, AucHandComputed) {
  // Positive scores 0.35, 0.8; negatives 0.1, 0.4. Pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3 of 4.
  const std::vector<double> p = {0.1, 0.4, 0.35, 0.8};
  const std::vector<float> y = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(auc(p, y), 0.75);
  // Ties count one half.
  EXPECT_DOUBLE_EQ(auc(std::vector<double>{0.5, 0.5}, std::vector<float>{0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(auc(std::vector<double>{0.2, 0.5, 0.5}, std::vector<float>{0, 0, 1}), 0.75);
  // One class only: undefined.
  EXPECT_TRUE(std::isnan(auc(std::vector<double>{0.2, 0.3}, std::vector<float>{1, 1})));
}

TEST(Metrics, AucStandardErrorHanleyMcNeil) {
  // A = 0.75, 2 pos, 2 neg: Q1 = 0.75/1.25 = 0.6, Q2 = 2*0.5625/1.75 = 0.642857...
  // var = (0.1875 + 1*(0.6-0.5625) + 1*(0.642857-0.5625)) / 4 = 0.076339...
  EXPECT_NEAR(auc_standard_error(0.75, 2, 2), std::sqrt((0.1875 + 0.0375 + (1.125 / 1.75 - 0.5625)) / 4), 1e-12);
}

TEST(Metrics, LogLossAndBrierHandComputed) {
  const std::vector<double> p = {0.9, 0.2};
  const std::vector<float> y = {1, 0};
  EXPECT_NEAR(log_loss(p, y), -(std::log(0.9) + std::log(0.8)) / 2, 1e-12);
  EXPECT_NEAR(brier(p, y), (0.01 + 0.04) / 2, 1e-12);
  // Clipping keeps a confident miss finite.
  EXPECT_NEAR(log_loss(std::vector<double>{0.0}, std::vector<float>{1}), -std::log(1e-15), 1e-9);
  const auto m = evaluate(p, y);
  EXPECT_EQ(m.n, 2u);
  EXPECT_EQ(m.wins, 1u);
  EXPECT_DOUBLE_EQ(m.base_rate, 0.5);
  EXPECT_DOUBLE_EQ(m.auc, 1.0);
}

TEST(Metrics, CalibrationTable) {
  const std::vector<double> p = {0.05, 0.12, 0.18, 0.55, 0.95, 1.0};
  const std::vector<float> y = {0, 0, 1, 1, 1, 0};
  const auto t = calibration_table(p, y, 5);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].count, 3u);  // [0, 0.2)
  EXPECT_NEAR(t[0].mean_predicted, (0.05 + 0.12 + 0.18) / 3, 1e-12);
  EXPECT_NEAR(t[0].win_rate, 1.0 / 3, 1e-12);
  EXPECT_EQ(t[1].count, 0u);
  EXPECT_EQ(t[2].count, 1u);  // [0.4, 0.6)
  EXPECT_EQ(t[4].count, 2u);  // [0.8, 1.0], 1.0 included
  EXPECT_DOUBLE_EQ(t[4].win_rate, 0.5);
  EXPECT_DOUBLE_EQ(t[4].hi, 1.0);
}

TEST(Threshold, MaximisesRealisedMeanRWithMinimumCount) {
  // rr 2 everywhere. Sorted by p: the top two are wins, then a loss, then a win, then losses.
  const std::vector<double> p = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
  const std::vector<float> y = {1, 1, 0, 1, 0, 0};
  const std::vector<double> rr(6, 2.0);
  ThresholdRule rule;
  rule.min_count = 3;
  rule.lo = 0.3;
  rule.hi = 0.95;
  rule.step = 0.05;
  const auto c = choose_threshold(p, y, rr, rule);
  // top 3: R = 2+2-1 = 3 → 1.0/trade; top 4: 5/4 = 1.25; top 5: 4/5; top 6: 3/6. Best: top 4 (p >= 0.6).
  ASSERT_TRUE(c.found);
  EXPECT_NEAR(c.threshold, 0.55, 1e-12);  // 0.55 and 0.6 accept the same rows: the lower one wins
  EXPECT_EQ(c.accepted, 4u);
  EXPECT_NEAR(c.mean_r, 1.25, 1e-12);
  EXPECT_NEAR(c.total_r, 5.0, 1e-12);
  EXPECT_NEAR(c.win_rate, 0.75, 1e-12);
  // Not enough rows for any threshold: fallback.
  rule.min_count = 10;
  const auto none = choose_threshold(p, y, rr, rule);
  EXPECT_FALSE(none.found);
  EXPECT_DOUBLE_EQ(none.threshold, rule.fallback);
}

TEST(Split, TimeSplitIsChronologicalWithEmbargo) {
  std::vector<int64_t> t;
  for (int i = 0; i < 100; ++i) t.push_back(i * 10);
  auto s = time_split(t, 0.6, 0.2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->train, (RowRange{0, 60}));
  EXPECT_EQ(s->validation, (RowRange{60, 80}));
  EXPECT_EQ(s->test, (RowRange{80, 100}));
  // Embargo 25: training rows with time > t[60] - 25 = 575 are dropped (rows 58, 59).
  auto e = time_split(t, 0.6, 0.2, 25);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->train, (RowRange{0, 58}));
  EXPECT_EQ(e->validation, (RowRange{60, 78}));
  std::vector<int64_t> unsorted = {3, 1, 2, 4, 5};
  EXPECT_FALSE(time_split(unsorted, 0.6, 0.2).ok());
  EXPECT_FALSE(time_split(t, 0.9, 0.2).ok());
  EXPECT_FALSE(time_split(std::vector<int64_t>{1, 2}, 0.6, 0.2).ok());
}

TEST(Split, WalkForwardFoldsExpand) {
  std::vector<int64_t> t;
  for (int i = 0; i < 100; ++i) t.push_back(i);
  auto f = walk_forward_folds(t, 4, 40, 2);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ((*f)[0].test, (RowRange{40, 55}));
  EXPECT_EQ((*f)[0].train, (RowRange{0, 39}));  // row 39 (time > 40 - 2) is inside the embargo
  EXPECT_EQ((*f)[3].test, (RowRange{85, 100}));
  EXPECT_EQ((*f)[3].train, (RowRange{0, 84}));
  for (const auto& fold : *f) EXPECT_LT(fold.train.end, fold.test.begin);
  EXPECT_FALSE(walk_forward_folds(t, 0, 40).ok());
  EXPECT_FALSE(walk_forward_folds(t, 4, 100).ok());
}

TEST(Baseline, RuleBaselineIsBucketWinRateShrunkToBaseRate) {
  const std::vector<double> conf = {60, 61, 62, 63, 90, 91, 92, 93};
  const std::vector<float> y = {0, 0, 0, 1, 1, 1, 1, 0};
  const auto b = RuleBaseline::fit(conf, y, 2, 0.0);
  EXPECT_DOUBLE_EQ(b.base_rate(), 0.5);
  EXPECT_DOUBLE_EQ(b.predict(55), 0.25);
  EXPECT_DOUBLE_EQ(b.predict(63), 0.25);
  EXPECT_DOUBLE_EQ(b.predict(80), 0.75);
  EXPECT_DOUBLE_EQ(b.predict(99), 0.75);
  const auto shrunk = RuleBaseline::fit(conf, y, 2, 4.0);
  EXPECT_DOUBLE_EQ(shrunk.predict(60), (1 + 4 * 0.5) / 8);
}

TEST(Promotion, GatesInOrder) {
  // 100 rows, alternating labels; a near-perfect candidate, a constant baseline.
  std::vector<float> y;
  std::vector<double> good, base, coin;
  for (int i = 0; i < 100; ++i) {
    y.push_back(static_cast<float>(i % 2));
    good.push_back(i % 2 ? 0.8 : 0.2);
    base.push_back(0.5);
    coin.push_back(0.5 + ((i * 7919) % 13 - 6) / 100.0);
  }
  auto d = decide_promotion(y, {}, good, base, std::nullopt);
  EXPECT_TRUE(d.promote);
  EXPECT_EQ(d.reason, "better_than_baseline");
  // Against itself as the current model: no log-loss gain, not promoted.
  d = decide_promotion(y, {}, good, base, std::span<const double>(good));
  EXPECT_FALSE(d.promote);
  EXPECT_EQ(d.reason, "not_better_than_current");
  // Against a worse current model: promoted.
  std::vector<double> weaker;
  for (int i = 0; i < 100; ++i) weaker.push_back(i % 2 ? 0.6 : 0.4);
  d = decide_promotion(y, {}, good, base, std::span<const double>(weaker));
  EXPECT_TRUE(d.promote);
  EXPECT_EQ(d.reason, "better_than_current");
  // Noise is not better than chance.
  d = decide_promotion(y, {}, coin, base, std::nullopt);
  EXPECT_FALSE(d.promote);
  EXPECT_EQ(d.reason, "not_better_than_chance");
  // Too few rows.
  d = decide_promotion(std::span<const float>(y).first(10), {}, std::span<const double>(good).first(10),
                       std::span<const double>(base).first(10), std::nullopt);
  EXPECT_EQ(d.reason, "holdout_too_small");
  // Good ranking but badly calibrated (worse log loss than the baseline): refused.
  std::vector<double> overconfident;
  for (int i = 0; i < 100; ++i) overconfident.push_back(i % 2 ? (i % 10 == 1 ? 1e-4 : 0.999) : 0.001);
  d = decide_promotion(y, {}, overconfident, base, std::nullopt);
  EXPECT_FALSE(d.promote);
  EXPECT_EQ(d.reason, "not_better_than_baseline");
  EXPECT_TRUE(to_json(d).contains("candidate"));
}

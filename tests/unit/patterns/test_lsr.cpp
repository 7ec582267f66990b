// Liquidity Sweep Reversal: fires on a built sweep of a swing high; each near-miss (one rule
// condition broken at a time) stays silent.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
constexpr double kLevel = 1.1018;  // the swing high (bar 25)

// Rising background (no swings), a swing high at bar 25, four bars to confirm it (L = 3).
std::vector<Ohlc> setup() {
  std::vector<Ohlc> v;
  drift(v, 25, 1.1000, 0.00001);
  v.push_back({1.10025, kLevel, 1.09975, 1.10045});
  drift(v, 4, 1.10026, 0.00001);
  return v;
}
std::optional<Detection> run_with(const Ohlc& last, PatternSetParams p = {}) {
  auto v = setup();
  v.push_back(last);
  Harness h(PatternId::LiquiditySweepReversal, p);
  int earlier = 0;
  auto d = h.run(v, &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
const Ohlc kSweep{1.1004, kLevel + 0.0006, 1.1000, 1.1002};
}  // namespace

TEST(LiquiditySweepReversal, FiresSellOnSweepOfSwingHighWithRejection) {
  auto d = run_with(kSweep);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Sell);
  EXPECT_DOUBLE_EQ(d->structure_stop, kSweep.h);
  EXPECT_GE(d->confidence, 50);
  EXPECT_LE(d->confidence, 100);
  ASSERT_FALSE(d->features.empty());
}

TEST(LiquiditySweepReversal, FiresBuyOnMirroredSweepOfSwingLow) {
  std::vector<Ohlc> v;
  drift(v, 25, 1.1000, -0.00001);
  v.push_back({1.09975, 1.10025, 1.0982, 1.09955});
  drift(v, 4, 1.09974, -0.00001);
  v.push_back({1.0996, 1.1000, 1.0982 - 0.0006, 1.0998});
  Harness h(PatternId::LiquiditySweepReversal, {});
  auto d = h.run(v);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Buy);
}

TEST(LiquiditySweepReversal, NearMissNoRunBeyondTheLevel) {
  EXPECT_FALSE(run_with({1.1004, kLevel + 0.00001, 1.1000, 1.1002}));
}
TEST(LiquiditySweepReversal, NearMissRunTooFarIsABreakoutNotASweep) {
  EXPECT_FALSE(run_with({1.1004, kLevel + 0.0015, 1.1000, 1.1002}));
}
TEST(LiquiditySweepReversal, NearMissCloseNotBackInside) {
  EXPECT_FALSE(run_with({1.1016, 1.1024, 1.1014, 1.1019}));
}
TEST(LiquiditySweepReversal, NearMissRejectionWickTooSmall) {
  EXPECT_FALSE(run_with({1.1004, 1.1024, 1.1000, 1.1017}));
}
TEST(LiquiditySweepReversal, NearMissRangeTooSmall) {
  EXPECT_FALSE(run_with({1.10175, 1.1022, 1.10172, 1.10175}));
}
TEST(LiquiditySweepReversal, NearMissLevelTooOld) {
  PatternSetParams p;
  p.lsr.max_swing_age = 4;
  EXPECT_FALSE(run_with(kSweep, p));
}
TEST(LiquiditySweepReversal, NearMissLevelAlreadyTaken) {
  auto v = setup();
  v.push_back({1.1003, kLevel + 0.0001, 1.1000, 1.1010});  // trades through without qualifying
  v.push_back(kSweep);
  Harness h(PatternId::LiquiditySweepReversal, {});
  EXPECT_FALSE(h.run(v));
}

// Fair Value Gap Fill: a bullish three-candle gap in an uptrend, first touched and bought back.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
PatternSetParams params() {
  PatternSetParams p;
  p.indicators.trend_ema_period = 10;
  return p;
}
struct Case {
  double background_start = 1.1000;
  double background_step = 0.00001;
  Ohlc ret{1.1062, 1.1063, 1.1040, 1.1058};  // bar 30: first touch of the gap [1.1030, 1.1045]
};
std::optional<Detection> run_case(const Case& c, PatternSetParams p = params()) {
  std::vector<Ohlc> v;
  drift(v, 25, c.background_start, c.background_step);
  v.push_back({1.1025, 1.1030, 1.1020, 1.1025});  // bar 25 (high 1.1030 = gap bottom)
  v.push_back({1.1028, 1.1062, 1.1026, 1.1060});  // bar 26: bullish middle candle
  v.push_back({1.1060, 1.1068, 1.1045, 1.1065});  // bar 27 (low 1.1045 = gap top)
  v.push_back({1.1065, 1.1072, 1.1060, 1.1070});
  v.push_back({1.1070, 1.1073, 1.1062, 1.1068});
  v.push_back(c.ret);
  Harness h(PatternId::FairValueGapFill, p);
  int earlier = 0;
  auto d = h.run(v, &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
}  // namespace

TEST(FairValueGapFill, FiresBuyOnFirstTouchOfBullishGapInUptrend) {
  auto d = run_case({});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Buy);
  EXPECT_DOUBLE_EQ(d->structure_stop, 1.1030);
}
TEST(FairValueGapFill, NearMissGapTooSmall) {
  auto p = params();
  p.fvg.min_gap_atr = 100;
  EXPECT_FALSE(run_case({}, p));
}
TEST(FairValueGapFill, NearMissGapTooOld) {
  auto p = params();
  p.fvg.max_age = 3;
  EXPECT_FALSE(run_case({}, p));
}
TEST(FairValueGapFill, NearMissTrendDisagrees) {
  Case c;
  c.background_start = 1.1125;  // price came down from above: the EMA is over the close
  c.background_step = -0.0001;
  EXPECT_FALSE(run_case(c));
}
TEST(FairValueGapFill, NearMissGapDidNotHoldOnClose) {
  Case c;
  c.ret = {1.1062, 1.1062, 1.0990, 1.1028};
  EXPECT_FALSE(run_case(c));
}
TEST(FairValueGapFill, NearMissCloseTooLowInTheBar) {
  auto p = params();
  p.fvg.close_pos_min = 0.9;
  EXPECT_FALSE(run_case({}, p));
}
TEST(FairValueGapFill, NearMissNoTouch) {
  Case c;
  c.ret = {1.1062, 1.1066, 1.1046, 1.1064};
  EXPECT_FALSE(run_case(c));
}

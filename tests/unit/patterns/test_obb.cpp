// Order Block Bounce: a displacement breaks a swing high, leaving the last bearish candle as a
// block; the first return into it that rejects fires. Each near-miss breaks one condition.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
constexpr double kLevel = 1.1018;
struct Case {
  Ohlc ob{1.1005, 1.1007, 1.0998, 1.1000};        // bar 30: bearish candle = block [1.0998, 1.1007]
  Ohlc disp{1.1000, 1.1027, 1.0999, 1.1025};      // bar 31: displacement closing above the swing
  Ohlc away1{1.1025, 1.1030, 1.1022, 1.1028};     // bar 32
  Ohlc away2{1.1028, 1.1030, 1.1020, 1.1024};     // bar 33
  Ohlc ret{1.1022, 1.1023, 1.1004, 1.1015};       // bar 34: into the block, rejected
};
std::vector<Ohlc> bars(const Case& c) {
  std::vector<Ohlc> v;
  drift(v, 25, 1.1000, 0.00001);
  v.push_back({1.10025, kLevel, 1.09975, 1.10025});
  drift(v, 4, 1.10026, 0.00001);
  v.push_back(c.ob);
  v.push_back(c.disp);
  v.push_back(c.away1);
  v.push_back(c.away2);
  v.push_back(c.ret);
  return v;
}
std::optional<Detection> run_case(const Case& c, PatternSetParams p = {}) {
  Harness h(PatternId::OrderBlockBounce, p);
  int earlier = 0;
  auto d = h.run(bars(c), &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
}  // namespace

TEST(OrderBlockBounce, FiresBuyOnFirstReturnIntoBlockWithRejection) {
  auto d = run_case({});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Buy);
  EXPECT_DOUBLE_EQ(d->structure_stop, 1.0998);
  EXPECT_GE(d->confidence, 50);
}
TEST(OrderBlockBounce, NearMissNoDisplacement) {
  Case c;
  c.disp = {1.1016, 1.1022, 1.1015, 1.1021};  // breaks the swing with a small body
  EXPECT_FALSE(run_case(c));
}
TEST(OrderBlockBounce, NearMissDisplacementWithoutBreakOfStructure) {
  Case c;
  c.disp = {1.0995, 1.1013, 1.0994, 1.1012};  // strong body, closes below the swing high
  c.away1 = {1.1012, 1.1016, 1.1010, 1.1014};
  c.away2 = {1.1014, 1.1017, 1.1011, 1.1013};
  c.ret = {1.1012, 1.1013, 1.1004, 1.1010};
  EXPECT_FALSE(run_case(c));
}
TEST(OrderBlockBounce, NearMissNoOppositeCandleBeforeDisplacement) {
  Case c;
  c.ob = {1.1000, 1.1007, 1.0998, 1.1005};  // bullish: no bearish candle in the lookback
  EXPECT_FALSE(run_case(c));
}
TEST(OrderBlockBounce, NearMissReturnTooSoonAfterBreak) {
  Case c;
  Harness h(PatternId::OrderBlockBounce, {});
  auto v = bars(c);
  v.resize(v.size() - 3);  // up to the displacement
  v.push_back(c.ret);      // immediately back into the block
  EXPECT_FALSE(h.run(v));
}
TEST(OrderBlockBounce, NearMissNoCloseBackOutOfTheBlock) {
  Case c;
  c.ret = {1.1022, 1.1023, 1.1004, 1.1006};
  EXPECT_FALSE(run_case(c));
}
TEST(OrderBlockBounce, NearMissRejectionWickTooSmall) {
  Case c;
  c.ret = {1.1006, 1.1022, 1.1005, 1.1020};
  EXPECT_FALSE(run_case(c));
}
TEST(OrderBlockBounce, NearMissBlockExpired) {
  PatternSetParams p;
  p.obb.max_age = 2;
  EXPECT_FALSE(run_case({}, p));
}

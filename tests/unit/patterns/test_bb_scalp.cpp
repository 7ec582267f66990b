// BB Scalp: an overbought touch of the upper band that closes back inside with a rejection wick.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
// Closes rising 2 pips a bar: RSI 100, price hugging the upper band.
std::vector<Ohlc> rally() {
  std::vector<Ohlc> v;
  for (int i = 0; i < 30; ++i) {
    const double o = 1.1000 + 0.0002 * i, c = o + 0.0002;
    v.push_back({o, c + 0.0003, o - 0.0003, c});
  }
  return v;
}
// Alternating closes: RSI near 50.
std::vector<Ohlc> chop() {
  std::vector<Ohlc> v;
  for (int i = 0; i < 30; ++i) {
    const double o = 1.1000, c = i % 2 ? 1.1003 : 1.0997;
    v.push_back({o, std::max(o, c) + 0.0003, std::min(o, c) - 0.0003, c});
  }
  return v;
}
// Upper band at the last bar if it closes at `close`.
double upper_if_close(const std::vector<Ohlc>& bg, double close) {
  Harness h(PatternId::BbScalp, {});
  h.run(bg);
  h.push({close, close, close, close});
  return h.series().bb()->upper;
}
std::optional<Detection> run_with(std::vector<Ohlc> v, const Ohlc& last) {
  v.push_back(last);
  Harness h(PatternId::BbScalp, {});
  int earlier = 0;
  auto d = h.run(v, &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
constexpr double kP = 1.1060;  // last close of the rally
}  // namespace

TEST(BbScalp, FiresSellOnOverboughtUpperBandRejection) {
  const double c = kP + 0.0001;
  ASSERT_GT(upper_if_close(rally(), c), c);
  auto d = run_with(rally(), {kP, kP + 0.0030, kP - 0.0002, c});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Sell);
  EXPECT_DOUBLE_EQ(d->structure_stop, kP + 0.0030);
}
TEST(BbScalp, NearMissNoBandTouch) {
  const double c = kP + 0.0001;
  const double upper = upper_if_close(rally(), c);
  EXPECT_FALSE(run_with(rally(), {kP, upper - 0.00001, kP - 0.0002, c}));
}
TEST(BbScalp, NearMissCloseOutsideTheBand) {
  const double c = kP + 0.0020;
  const double upper = upper_if_close(rally(), c);
  ASSERT_GE(c, upper);
  EXPECT_FALSE(run_with(rally(), {kP, c + 0.0040, kP - 0.0002, c}));
}
TEST(BbScalp, NearMissRsiNotExtreme) {
  const double c = 1.1001;
  const double upper = upper_if_close(chop(), c);
  ASSERT_GT(upper, c);
  EXPECT_FALSE(run_with(chop(), {1.0999, upper + 0.0010, 1.0998, c}));
}
TEST(BbScalp, NearMissRejectionWickTooSmall) {
  const double c = kP + 0.0001;
  EXPECT_FALSE(run_with(rally(), {kP, kP + 0.0030, kP - 0.0060, c}));
}

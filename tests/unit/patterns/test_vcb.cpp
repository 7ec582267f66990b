// VCB Breakout: Bollinger inside Keltner for a while, then a wide bullish close beyond both.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
PatternSetParams params() {
  PatternSetParams p;
  p.indicators.bb_period = 10;
  p.indicators.kc_period = 10;
  return p;
}
// Flat closes (tiny sigma) with 10-pip ranges: BB sits well inside KC on every bar.
std::vector<Ohlc> squeeze() {
  std::vector<Ohlc> v;
  for (int i = 0; i < 30; ++i) {
    const double c = 1.1000 + (i % 2 ? 0.00005 : -0.00005);
    v.push_back({c, c + 0.0005, c - 0.0005, c});
  }
  v.back() = {1.1000, 1.1005, 1.0995, 1.1000};
  return v;
}
std::optional<Detection> run_with(const Ohlc& last, PatternSetParams p = params()) {
  auto v = squeeze();
  v.push_back(last);
  Harness h(PatternId::VcbBreakout, p);
  int earlier = 0;
  auto d = h.run(v, &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
const Ohlc kBreakout{1.1000, 1.1032, 1.0999, 1.1030};
}  // namespace

TEST(VcbBreakout, FiresBuyOnCloseBeyondBothBandsAfterSqueeze) {
  auto d = run_with(kBreakout);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Buy);
  EXPECT_DOUBLE_EQ(d->structure_stop, 1.0999);
}
TEST(VcbBreakout, FiresSellMirrored) {
  auto d = run_with({1.1000, 1.1001, 1.0968, 1.0970});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Sell);
}
TEST(VcbBreakout, NearMissSqueezeTooShort) {
  auto p = params();
  p.vcb.min_squeeze_bars = 1000;
  EXPECT_FALSE(run_with(kBreakout, p));
}
TEST(VcbBreakout, NearMissCloseBeyondBollingerButInsideKeltner) {
  EXPECT_FALSE(run_with({1.1000, 1.1019, 1.0999, 1.1018}));
}
TEST(VcbBreakout, NearMissRangeNotExpanding) {
  auto p = params();
  p.vcb.range_mult = 10;
  EXPECT_FALSE(run_with(kBreakout, p));
}
TEST(VcbBreakout, NearMissBodyTooWeak) {
  auto p = params();
  p.vcb.body_min_ratio = 0.95;
  EXPECT_FALSE(run_with(kBreakout, p));
}

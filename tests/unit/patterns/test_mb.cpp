// Momentum Burst: a tight box, then a wide strong-bodied candle closing beyond it.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
std::vector<Ohlc> box() {
  std::vector<Ohlc> v;
  for (int i = 0; i < 20; ++i) {
    const double c = 1.1000 + (i % 2 ? 0.00002 : -0.00002);
    v.push_back({c, c + 0.0005, c - 0.0005, c});
  }
  return v;
}
std::optional<Detection> run_with(std::vector<Ohlc> v, const Ohlc& last, PatternSetParams p = {}) {
  v.push_back(last);
  Harness h(PatternId::MomentumBurst, p);
  int earlier = 0;
  auto d = h.run(v, &earlier);
  EXPECT_EQ(earlier, 0);
  return d;
}
const Ohlc kBurst{1.1000, 1.1032, 1.0999, 1.1030};
}  // namespace

TEST(MomentumBurst, FiresBuyOnWideStrongCloseAboveTightBox) {
  auto d = run_with(box(), kBurst);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Buy);
}
TEST(MomentumBurst, FiresSellMirrored) {
  auto d = run_with(box(), {1.1000, 1.1001, 1.0968, 1.0970});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->side, Side::Sell);
}
TEST(MomentumBurst, NearMissBoxTooWide) {
  auto v = box();
  v[v.size() - 3].h = 1.1020;
  EXPECT_FALSE(run_with(v, kBurst));
}
TEST(MomentumBurst, NearMissCandleNotWide) {
  EXPECT_FALSE(run_with(box(), {1.1000, 1.1015, 1.0999, 1.1014}));
}
TEST(MomentumBurst, NearMissBodyTooWeak) {
  EXPECT_FALSE(run_with(box(), {1.1000, 1.1035, 1.0995, 1.1015}));
}
TEST(MomentumBurst, NearMissCloseNotBeyondBox) {
  EXPECT_FALSE(run_with(box(), {1.0975, 1.1005, 1.0974, 1.1004}));
}

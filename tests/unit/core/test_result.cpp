#include <gtest/gtest.h>

#include "bitten/core/clock.hpp"
#include "bitten/core/result.hpp"

using namespace bitten;

TEST(Result, CarriesValueOrError) {
  Result<int> good = 7;
  Result<int> bad = make_error("nope", "because");
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 7);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "nope");
  EXPECT_TRUE(ok_status());
}

TEST(Clock, FakeClockMovesOnlyWhenTold) {
  FakeClock c(100);
  EXPECT_EQ(c.now_ns(), 100);
  c.advance(50);
  EXPECT_EQ(c.now_ns(), 150);
  EXPECT_EQ(c.mono_ns(), 150);
  EXPECT_GT(SystemClock::instance().now_ns(), 1'600'000'000LL * kNsPerSec);
}

#include <gtest/gtest.h>

#include "bitten/core/time.hpp"

using namespace bitten;

TEST(Time, ParsesEaBrokerTimestamp) {
  auto t = parse_datetime("2025.09.15 19:41:16");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 1757965276);
  EXPECT_EQ(format_ea_datetime(*t), "2025.09.15 19:41:16");
  EXPECT_EQ(format_iso8601(*t), "2025-09-15T19:41:16Z");
}

TEST(Time, ParsesIsoLikeForms) {
  EXPECT_EQ(parse_datetime("2014-05-01 00:00:00").value(), 1398902400);
  EXPECT_EQ(parse_datetime("2014-05-01T00:00:00Z").value(), 1398902400);
}

TEST(Time, RejectsMalformedOrImpossibleDates) {
  for (const char* bad : {"", "2025.09.15", "2025.13.01 00:00:00", "2025.02.29 00:00:00", "2025.09.15 24:00:00",
                          "2025/09/15 10:00:00", "2025.09.15T10:00:0x", "1969.12.31 23:59:59", "abcd.ef.gh ij:kl:mn"}) {
    EXPECT_FALSE(parse_datetime(bad)) << bad;
  }
  EXPECT_TRUE(parse_datetime("2024.02.29 00:00:00"));  // leap year
}

TEST(Time, CivilRoundTripAcrossCenturies) {
  for (int64_t d = -1000; d < 200000; d += 37) {
    auto c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(weekday_from_days(0), 3);  // 1970-01-01 was a Thursday
  EXPECT_EQ(weekday_from_days(days_from_civil(2025, 9, 15)), 0);  // a Monday
}

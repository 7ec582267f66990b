// The DST-aware session calendar. Expected instants are the published civil rules (US, EU/UK,
// Australian DST), written as UTC times; edge cases sit on the transition days.
#include <gtest/gtest.h>

#include "bitten/core/time.hpp"
#include "bitten/market/session_calendar.hpp"

namespace bitten::market {
namespace {

int64_t utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  return (days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60) * 1'000'000'000LL;
}

TEST(SessionCalendar, LondonOpensAt0800LocalAcrossBst) {
  EXPECT_FALSE(is_active(Session::London, utc(2024, 1, 15, 7, 59)));
  EXPECT_TRUE(is_active(Session::London, utc(2024, 1, 15, 8, 0)));
  EXPECT_TRUE(is_active(Session::London, utc(2024, 7, 15, 7, 0)));  // BST: 08:00 local = 07:00 UTC
  EXPECT_FALSE(is_active(Session::London, utc(2024, 7, 15, 16, 0)));
  // EU change on the last Sunday of March (2024-03-31) at 01:00 UTC; Monday opens at 07:00 UTC.
  EXPECT_EQ(utc_offset_seconds(Session::London, utc(2024, 3, 31, 0, 59)), 0);
  EXPECT_EQ(utc_offset_seconds(Session::London, utc(2024, 3, 31, 1, 0)), 3600);
  EXPECT_TRUE(is_active(Session::London, utc(2024, 4, 1, 7, 0)));
  // Back on the last Sunday of October (2024-10-27).
  EXPECT_EQ(utc_offset_seconds(Session::London, utc(2024, 10, 27, 0, 59)), 3600);
  EXPECT_EQ(utc_offset_seconds(Session::London, utc(2024, 10, 27, 1, 0)), 0);
}

TEST(SessionCalendar, NewYorkFollowsUsDstWhichDiffersFromEurope) {
  EXPECT_TRUE(is_active(Session::NewYork, utc(2024, 1, 15, 13, 0)));   // EST: 08:00 = 13:00 UTC
  EXPECT_FALSE(is_active(Session::NewYork, utc(2024, 1, 15, 12, 59)));
  // US DST from 2024-03-10 07:00 UTC; Europe only from 03-31: New York opens at 12:00 UTC for
  // three weeks while London still opens at 08:00 UTC.
  EXPECT_EQ(utc_offset_seconds(Session::NewYork, utc(2024, 3, 10, 6, 59)), -5 * 3600);
  EXPECT_EQ(utc_offset_seconds(Session::NewYork, utc(2024, 3, 10, 7, 0)), -4 * 3600);
  EXPECT_TRUE(is_active(Session::NewYork, utc(2024, 3, 18, 12, 0)));
  EXPECT_EQ(session_of(utc(2024, 3, 18, 12, 30)), SessionLabel::LondonNewYork);
  // Ends on the first Sunday of November (2024-11-03) at 06:00 UTC.
  EXPECT_EQ(utc_offset_seconds(Session::NewYork, utc(2024, 11, 3, 5, 59)), -4 * 3600);
  EXPECT_EQ(utc_offset_seconds(Session::NewYork, utc(2024, 11, 3, 6, 0)), -5 * 3600);
}

TEST(SessionCalendar, SydneyDstIsInTheSouthernSummer) {
  // AEDT (+11) in January: 07:00 local Monday = 20:00 UTC Sunday.
  EXPECT_EQ(utc_offset_seconds(Session::Sydney, utc(2024, 1, 15, 0)), 11 * 3600);
  EXPECT_TRUE(is_active(Session::Sydney, utc(2024, 1, 14, 20, 0)));
  EXPECT_FALSE(is_active(Session::Sydney, utc(2024, 1, 14, 19, 59)));
  // Ends 2024-04-07 03:00 AEDT = 04-06 16:00 UTC; starts 2024-10-06 02:00 AEST = 10-05 16:00 UTC.
  EXPECT_EQ(utc_offset_seconds(Session::Sydney, utc(2024, 4, 6, 15, 59)), 11 * 3600);
  EXPECT_EQ(utc_offset_seconds(Session::Sydney, utc(2024, 4, 6, 16, 0)), 10 * 3600);
  EXPECT_EQ(utc_offset_seconds(Session::Sydney, utc(2024, 10, 5, 15, 59)), 10 * 3600);
  EXPECT_EQ(utc_offset_seconds(Session::Sydney, utc(2024, 10, 5, 16, 0)), 11 * 3600);
}

TEST(SessionCalendar, TokyoHasNoDst) {
  EXPECT_TRUE(is_active(Session::Tokyo, utc(2024, 1, 15, 0, 0)));
  EXPECT_TRUE(is_active(Session::Tokyo, utc(2024, 7, 15, 8, 59)));
  EXPECT_FALSE(is_active(Session::Tokyo, utc(2024, 7, 15, 9, 0)));
}

TEST(SessionCalendar, PrimaryLabelAndOverlaps) {
  EXPECT_EQ(session_of(utc(2024, 1, 15, 2, 0)), SessionLabel::Tokyo);  // Tokyo + Sydney: Tokyo wins
  EXPECT_TRUE(is_overlap(utc(2024, 1, 15, 2, 0)));
  EXPECT_EQ(session_of(utc(2024, 1, 15, 10, 0)), SessionLabel::London);
  EXPECT_FALSE(is_overlap(utc(2024, 1, 15, 10, 0)));
  EXPECT_EQ(session_of(utc(2024, 1, 15, 14, 0)), SessionLabel::LondonNewYork);
  EXPECT_EQ(session_of(utc(2024, 1, 15, 19, 0)), SessionLabel::NewYork);
  EXPECT_EQ(session_of(utc(2024, 1, 13, 12, 0)), SessionLabel::Closed);  // Saturday
  EXPECT_EQ(session_label_name(SessionLabel::LondonNewYork), "LONDON_NY");
}

}  // namespace
}  // namespace bitten::market

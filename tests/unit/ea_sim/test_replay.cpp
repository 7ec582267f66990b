// Replay readers (one per format), the intra-bar tick path, the merge, loops and week shifts.
#include <gtest/gtest.h>

#include <algorithm>

#include "bitten/core/time.hpp"
#include "replay.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

namespace {
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}
std::string replay_dir() { return test::source_root() + "/tests/data/replay/"; }
}  // namespace

TEST(Replay, LeanTicksAreReadInOrderWithTheirOwnTimes) {
  FeedSpec s = make_feed("EURUSD", FeedFormat::LeanTicks, "tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv");
  auto q = read_ticks(s, test::source_root());
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_GT(q->size(), 40'000u);
  EXPECT_EQ(q->front().time_ns, *parse_datetime("2014-05-08 12:00:00") * kNsPerSecond + 107'000'000);
  EXPECT_DOUBLE_EQ(q->front().bid, 1.39471);
  EXPECT_DOUBLE_EQ(q->front().ask, 1.39481);
  EXPECT_TRUE(std::is_sorted(q->begin(), q->end(), [](auto& a, auto& b) { return a.time_ns < b.time_ns; }));
}

TEST(Replay, LeanM1BarsCarryBothSides) {
  FeedSpec s = make_feed("XAUUSD", FeedFormat::LeanM1, replay_dir() + "XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv");
  auto bars = read_bars(s);
  ASSERT_TRUE(bars) << bars.error().message;
  ASSERT_EQ(bars->size(), 120u);
  EXPECT_TRUE(bars->front().has_ask);
  EXPECT_EQ(bars->front().open_time_ns, *parse_datetime("2014-05-08 12:00:00") * kNsPerSecond);
  EXPECT_GT(bars->front().ask_open, bars->front().open);
}

TEST(Replay, NautilusBidBarsJoinTheAskFile) {
  FeedSpec s = make_feed("GBPUSD", FeedFormat::NautilusM1, replay_dir() + "gbpusd-m1-bid-2012-02-01_excerpt.csv",
             replay_dir() + "gbpusd-m1-ask-2012-02-01_excerpt.csv");
  auto bars = read_bars(s);
  ASSERT_TRUE(bars) << bars.error().message;
  ASSERT_EQ(bars->size(), 240u);
  EXPECT_EQ(bars->front().open_time_ns, *parse_datetime("2012-02-01 00:00:00") * kNsPerSecond);
  EXPECT_DOUBLE_EQ(bars->front().open, 1.57597);
  EXPECT_TRUE(bars->front().has_ask);
  // Without the ask file the configured spread is used instead.
  s.ask_path.clear();
  auto bid_only = read_bars(s);
  ASSERT_TRUE(bid_only);
  EXPECT_FALSE(bid_only->front().has_ask);
}

TEST(Replay, SmcM15UsesItsSpreadColumnAndSourceOffset) {
  FeedSpec s = make_feed("EURUSD", FeedFormat::SmcM15, replay_dir() + "EURUSD_15M_smc_excerpt.csv");
  s.source_utc_offset_s = 3 * 3600;  // MT5 export in broker time UTC+3
  auto bars = read_bars(s);
  ASSERT_TRUE(bars) << bars.error().message;
  ASSERT_EQ(bars->size(), 200u);
  EXPECT_EQ(bars->front().period_s, 900);
  EXPECT_EQ(bars->front().open_time_ns, (*parse_datetime("2022-10-10 00:00:00") - 3 * 3600) * kNsPerSecond);
  EXPECT_DOUBLE_EQ(bars->front().spread_points, 20);
  auto feed = load_feed(s, *symbols().find("EURUSD"));
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->quotes.size(), 200u * 180u);  // one tick every 5 s of each 15-minute bar
  EXPECT_NEAR(feed->quotes.front().ask - feed->quotes.front().bid, 20 * 0.00001, 1e-9);
}

TEST(Replay, UnknownFormatAndBrokenFilesAreErrors) {
  EXPECT_FALSE(parse_feed_format("csv"));
  FeedSpec s = make_feed("EURUSD", FeedFormat::LeanM1, replay_dir() + "no_such_file.csv");
  EXPECT_FALSE(read_bars(s));
  FeedSpec wrong = make_feed("EURUSD", FeedFormat::LeanM1, replay_dir() + "gbpusd-m1-bid-2012-02-01_excerpt.csv");
  EXPECT_FALSE(read_bars(wrong));  // no bid_open column
}

TEST(Replay, SynthesisedPathVisitsOpenNearerExtremeOtherExtremeCloseAndStaysInRange) {
  const SymbolSpec& eu = *symbols().find("EURUSD");
  SourceBar b;
  b.open_time_ns = 1'000 * 60 * kNsPerSecond;
  b.open = 1.10010, b.high = 1.10050, b.low = 1.09950, b.close = 1.10000;  // high is nearer the open
  auto q = synthesise_bar_ticks(b, eu, 12, 12);
  ASSERT_EQ(q.size(), 12u);
  EXPECT_DOUBLE_EQ(q.front().bid, 1.10010);
  EXPECT_DOUBLE_EQ(q.back().bid, 1.10000);
  auto hi = std::find_if(q.begin(), q.end(), [](auto& x) { return x.bid == 1.10050; });
  auto lo = std::find_if(q.begin(), q.end(), [](auto& x) { return x.bid == 1.09950; });
  ASSERT_NE(hi, q.end());
  ASSERT_NE(lo, q.end());
  EXPECT_LT(hi, lo);
  for (size_t i = 0; i < q.size(); ++i) {
    EXPECT_GE(q[i].bid, b.low);
    EXPECT_LE(q[i].bid, b.high);
    EXPECT_NEAR(q[i].ask - q[i].bid, 12 * eu.point, 1e-9);
    EXPECT_GE(q[i].time_ns, b.open_time_ns);
    EXPECT_LT(q[i].time_ns, b.open_time_ns + 60 * kNsPerSecond);
    if (i) {
      EXPECT_GE(q[i].time_ns - q[i - 1].time_ns, kNsPerSecond);  // distinct seconds: every tick is a snapshot
    }
  }
}

TEST(Replay, MergeIsTimeOrderedAndLoopsByWholeWeeks) {
  SymbolFeed a{"EURUSD", {{10, 1, 2}, {30, 1, 2}}, {}, false};
  SymbolFeed b{"XAUUSD", {{20, 3, 4}, {30, 3, 4}}, {}, false};
  std::vector<SymbolFeed> feeds{a, b};
  ReplayMerge m(feeds, 5, false);
  std::vector<std::pair<int64_t, size_t>> got;
  ReplayEvent e;
  while (m.next(e)) got.emplace_back(e.time_ns, e.feed);
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, size_t>>{{15, 0}, {25, 1}, {35, 0}, {35, 1}}));
  EXPECT_EQ(m.peek_time(), INT64_MAX);

  ReplayMerge looped(feeds, 0, true);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(looped.next(e));
  ASSERT_TRUE(looped.next(e));
  EXPECT_EQ(e.time_ns, 10 + kWeekNs);
  EXPECT_EQ(looped.passes(), 1u);
}

// The demo's short excerpt is replayed back to back: the next pass starts on the next whole
// minute after the data, not a week later (which at x600 would be 17 minutes of silence).
TEST(Replay, LoopAlignmentOfAMinuteReplaysBackToBack) {
  const int64_t min = 60'000'000'000LL;
  SymbolFeed a{"EURUSD", {{0, 1, 2}, {90 * min, 1, 2}}, {}, false};
  std::vector<SymbolFeed> feeds{a};
  ReplayMerge m(feeds, 0, true, 60);
  ReplayEvent e;
  ASSERT_TRUE(m.next(e) && m.next(e) && m.next(e));
  EXPECT_EQ(e.time_ns, 91 * min);
  EXPECT_EQ(m.passes(), 1u);
}

TEST(Replay, ShiftToNowMovesWholeWeeksOnly) {
  const int64_t first = *parse_datetime("2014-05-08 12:00:00") * kNsPerSecond;  // a Thursday
  const int64_t now = *parse_datetime("2025-09-15 19:41:16") * kNsPerSecond;
  const int64_t shift = whole_week_shift_to(first, now);
  EXPECT_EQ(shift % kWeekNs, 0);
  EXPECT_LE(first + shift, now);
  EXPECT_GT(first + shift, now - kWeekNs);
  const int64_t day = (first + shift) / kNsPerSecond / 86400;
  EXPECT_EQ(weekday_from_days(day), weekday_from_days(first / kNsPerSecond / 86400));
  EXPECT_EQ(whole_week_shift_to(now, now), 0);
}

// BarBuilder on real Oanda EURUSD ticks, including one test per candle bug of the original system
// (../shared/reference/original-system.md §2.3 and §8 item 9).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "bitten/market/bar_builder.hpp"
#include "bitten/market/csv.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/tick_csv.hpp"
#include "test_data.hpp"

namespace bitten::market {
namespace {

struct Replay {
  std::vector<Bar> m1, m5, m15;
  std::vector<BarEvent> all;
  BarBuilderStats stats;
};

void collect(Replay& r, const std::vector<BarEvent>& events) {
  for (const auto& e : events) {
    r.all.push_back(e);
    if (e.kind != BarEventKind::Closed) continue;
    (e.bar.timeframe == Timeframe::M1 ? r.m1 : e.bar.timeframe == Timeframe::M5 ? r.m5 : r.m15).push_back(e.bar);
  }
}

Replay replay(const std::vector<Tick>& ticks, bool flush = true) {
  BarBuilder builder;
  Replay r;
  for (const auto& t : ticks) collect(r, builder.on_tick(t));
  if (flush) collect(r, builder.flush());
  r.stats = builder.stats();
  return r;
}

std::vector<Tick> excerpt_ticks(const char* name) {
  auto ticks = load_ticks_csv(testing::excerpt_dir() + "/" + name);
  EXPECT_TRUE(ticks.ok()) << (ticks.ok() ? "" : ticks.error().message);
  return ticks.ok() ? *ticks : std::vector<Tick>{};
}

// Oanda's own M1 bid bars for the same minutes, keyed by open time.
std::map<int64_t, std::array<double, 4>> reference_m1(const std::string& path) {
  auto doc = read_csv_file(path);
  EXPECT_TRUE(doc.ok());
  std::map<int64_t, std::array<double, 4>> out;
  if (!doc.ok()) return out;
  std::array<std::vector<double>, 4> cols;
  for (int c = 0; c < 4; ++c) cols[static_cast<size_t>(c)] = *doc->numeric_column(static_cast<size_t>(c + 1));
  for (size_t r = 0; r < doc->rows(); ++r)
    out[*parse_timestamp_ns(doc->cells[0][r])] = {cols[0][r], cols[1][r], cols[2][r], cols[3][r]};
  return out;
}

void expect_m1_matches_reference(const Replay& r, const std::map<int64_t, std::array<double, 4>>& ref) {
  ASSERT_FALSE(r.m1.empty());
  size_t compared = 0;
  for (const Bar& b : r.m1) {
    auto it = ref.find(b.open_time_ns);
    ASSERT_NE(it, ref.end()) << "we built a bar for a minute Oanda has none: " << b.open_time_ns;
    EXPECT_EQ(b.open, it->second[0]);
    EXPECT_EQ(b.high, it->second[1]);
    EXPECT_EQ(b.low, it->second[2]);
    EXPECT_EQ(b.close, it->second[3]);
    ++compared;
  }
  // Every reference minute inside our span has a bar (no bar lost).
  size_t inside = 0;
  for (const auto& [t, v] : ref)
    if (t >= r.m1.front().open_time_ns && t <= r.m1.back().open_time_ns) ++inside;
  EXPECT_EQ(inside, compared);
}

TEST(BarBuilder, M1FromRealTicksEqualsOandaM1BidBars) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  ASSERT_EQ(ticks.size(), 3000u);
  const Replay r = replay(ticks, /*flush=*/false);  // the last minute may be incomplete in the excerpt
  expect_m1_matches_reference(r, reference_m1(testing::excerpt_dir() + "/EURUSD_oanda_M1_2014-05-01_excerpt.csv"));
  EXPECT_EQ(r.stats.late_ticks, 0u);
}

TEST(BarBuilder, M1FromAllThirteenDaysOfTicksEqualsOandaM1) {
  const auto root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "BITTEN_SHARED_DATA not available: lean/normalized ticks are needed";
  auto ticks = load_ticks_csv(root + "/lean/normalized/EURUSD_oanda_ticks_utc.csv");
  ASSERT_TRUE(ticks.ok()) << ticks.error().message;
  ASSERT_EQ(ticks->size(), 532903u);
  const Replay r = replay(*ticks, false);
  expect_m1_matches_reference(r, reference_m1(root + "/lean/normalized/EURUSD_oanda_M1_bidask_utc.csv"));
}

// Original bug: every M1 bar appeared twice (timestamp steps 60, 0, 60, 0...).
TEST(BarBuilder, OriginalBugDuplicateM1IsAbsent) {
  const Replay r = replay(excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv"));
  for (size_t i = 1; i < r.m1.size(); ++i) {
    const int64_t step = r.m1[i].open_time_ns - r.m1[i - 1].open_time_ns;
    EXPECT_GT(step, 0);
    EXPECT_EQ(step % period_ns(Timeframe::M1), 0);
  }
}

// Original bugs: M5 from "the last 5 deque entries" on a count trigger, and "M15" as overlapping
// aggregates 300 s apart. Ours: aligned periods, each aggregating exactly the M1 bars inside it.
TEST(BarBuilder, OriginalBugCountTriggeredAndOverlappingHigherBarsAreAbsent) {
  const Replay r = replay(excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv"));
  for (const auto* series : {&r.m5, &r.m15}) {
    ASSERT_FALSE(series->empty());
    const Timeframe tf = series->front().timeframe;
    for (size_t i = 0; i < series->size(); ++i) {
      const Bar& h = (*series)[i];
      EXPECT_EQ(h.open_time_ns, period_start(h.open_time_ns, tf)) << "not aligned";
      if (i) {
        EXPECT_GE(h.open_time_ns - (*series)[i - 1].open_time_ns, period_ns(tf)) << "overlap";
      }
      double hi = -1e300, lo = 1e300, open = 0, close = 0;
      uint64_t ticks = 0;
      bool first = true;
      for (const Bar& m : r.m1) {
        if (m.open_time_ns < h.open_time_ns || m.open_time_ns >= h.open_time_ns + period_ns(tf)) continue;
        if (first) open = m.open;
        first = false;
        hi = std::max(hi, m.high);
        lo = std::min(lo, m.low);
        close = m.close;
        ticks += m.tick_count;
      }
      ASSERT_FALSE(first);
      EXPECT_EQ(h.open, open);
      EXPECT_EQ(h.high, hi);
      EXPECT_EQ(h.low, lo);
      EXPECT_EQ(h.close, close);
      EXPECT_EQ(h.tick_count, ticks);
    }
  }
}

// Original bug: minute buckets from the server's wall clock. Ours depend only on event time, so
// the same ticks processed at any speed, in any batching, give the same bars.
TEST(BarBuilder, OriginalBugWallClockBucketingIsAbsent) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  const Replay a = replay(ticks);
  BarBuilder builder;
  Replay b;
  for (size_t i = 0; i < ticks.size(); ++i) {
    collect(b, builder.on_tick(ticks[i]));
    if (i % 7 == 0) collect(b, builder.advance(ticks[i].time_ns));  // a clock that never runs ahead of events
  }
  collect(b, builder.flush());
  ASSERT_EQ(a.m1.size(), b.m1.size());
  for (size_t i = 0; i < a.m1.size(); ++i) {
    EXPECT_EQ(a.m1[i].open_time_ns, b.m1[i].open_time_ns);
    EXPECT_EQ(a.m1[i].close, b.m1[i].close);
    EXPECT_EQ(a.m1[i].tick_count, b.m1[i].tick_count);
  }
}

// Original bug: FX volume was always 0. Ours: bar volume = tick count; spread is kept.
TEST(BarBuilder, OriginalBugZeroVolumeIsAbsent) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  const Replay r = replay(ticks);
  uint64_t total = 0;
  for (const Bar& b : r.m1) {
    EXPECT_GT(b.tick_count, 0u);
    EXPECT_GT(b.mean_spread(), 0.0);  // bid < ask on every real tick
    total += b.tick_count;
  }
  EXPECT_EQ(total, ticks.size());
}

// Original bug: the forming bar was appended to the history for "real-time" detection. Ours
// emits a bar only once its period is over.
TEST(BarBuilder, OriginalBugFormingBarInHistoryIsAbsent) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  BarBuilder builder;
  for (const auto& t : ticks) {
    for (const auto& e : builder.on_tick(t))
      EXPECT_LE(e.bar.open_time_ns + period_ns(e.bar.timeframe), t.time_ns) << "emitted before its period ended";
  }
  ASSERT_TRUE(builder.forming(Timeframe::M1).has_value());
}

// Original bug: restarts resumed from a stale cache with no gap handling. Ours leaves gaps as gaps:
// across the real weekend there is no fabricated bar, and the first Sunday bar is right.
TEST(BarBuilder, WeekendGapIsLeftAsAGap) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_weekend_excerpt.csv");
  ASSERT_GT(ticks.size(), 100u);
  const Replay r = replay(ticks);
  int64_t biggest_gap = 0;
  for (size_t i = 1; i < r.m1.size(); ++i) biggest_gap = std::max(biggest_gap, r.m1[i].open_time_ns - r.m1[i - 1].open_time_ns);
  EXPECT_GT(biggest_gap, 40 * 3600 * kNanosPerSecond) << "the weekend should be one gap, not filled bars";
  size_t distinct_minutes = 0;
  int64_t last = INT64_MIN;
  for (const auto& t : ticks) {
    const int64_t m = period_start(t.time_ns, Timeframe::M1);
    if (m != last) ++distinct_minutes;
    last = m;
  }
  EXPECT_EQ(r.m1.size(), distinct_minutes);
}

TEST(BarBuilder, LateTickIsCountedAndDroppedWithoutReopening) {
  auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  ticks.resize(400);
  BarBuilder builder;
  Replay r;
  for (const auto& t : ticks) collect(r, builder.on_tick(t));
  ASSERT_GE(r.m1.size(), 2u);
  const Bar closed = r.m1.front();
  // A tick stamped inside the first (closed) minute, with a price outside its range.
  const Tick late{closed.open_time_ns + 30 * kNanosPerSecond, closed.high + 0.01, closed.high + 0.0101};
  EXPECT_TRUE(builder.on_tick(late).empty());
  EXPECT_EQ(builder.stats().late_ticks, 1u);
  collect(r, builder.flush());
  for (const auto& e : r.all) EXPECT_NE(e.kind, BarEventKind::Corrected);
  size_t same_minute = 0;
  for (const Bar& b : r.m1) same_minute += b.open_time_ns == closed.open_time_ns;
  EXPECT_EQ(same_minute, 1u);
}

TEST(BarBuilder, AdvanceClosesBarsWithoutANewTick) {
  auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  ticks.resize(50);
  BarBuilder builder;
  for (const auto& t : ticks) (void)builder.on_tick(t);
  const Bar forming = *builder.forming(Timeframe::M1);
  EXPECT_TRUE(builder.advance(forming.open_time_ns + period_ns(Timeframe::M1) - 1).empty());
  const auto events = builder.advance(period_start(forming.open_time_ns, Timeframe::M15) + period_ns(Timeframe::M15));
  ASSERT_EQ(events.size(), 3u);  // M1, then M5 and M15 (their periods are over too)
  EXPECT_EQ(events[0].bar.timeframe, Timeframe::M1);
  EXPECT_EQ(events[1].bar.timeframe, Timeframe::M5);
  EXPECT_EQ(events[2].bar.timeframe, Timeframe::M15);
  EXPECT_FALSE(builder.forming(Timeframe::M1).has_value());
}

// The EA bar is the authority for its minute: here FXCM's real M1 bar for a minute replaces the
// one we built from Oanda ticks, and the M5/M15 containing it use the EA's values.
TEST(BarBuilder, EaBarReplacesFormingMinuteAndFeedsHigherTimeframes) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  const Replay plain = replay(ticks);
  ASSERT_GT(plain.m5.size(), 3u);
  const Bar target = plain.m1[plain.m1.size() / 2];
  const EaBar ea{target.open_time_ns, target.open, target.high + 0.0005, target.low - 0.0005, target.close, 0};

  BarBuilder builder;
  Replay r;
  bool applied = false;
  for (const auto& t : ticks) {
    if (!applied && t.time_ns >= target.open_time_ns + 59 * kNanosPerSecond) {
      collect(r, builder.on_ea_bar(ea));  // arrives while its minute is still forming
      applied = true;
    }
    collect(r, builder.on_tick(t));
  }
  collect(r, builder.flush());
  ASSERT_TRUE(applied);
  EXPECT_EQ(r.m1.size(), plain.m1.size());
  for (const Bar& b : r.m1) {
    if (b.open_time_ns != target.open_time_ns) continue;
    EXPECT_TRUE(b.from_ea);
    EXPECT_EQ(b.high, ea.high);
    EXPECT_EQ(b.low, ea.low);
  }
  for (const Bar& h : r.m5)
    if (h.open_time_ns == period_start(target.open_time_ns, Timeframe::M5)) {
      EXPECT_GE(h.high, ea.high);
      EXPECT_LE(h.low, ea.low);
    }
}

TEST(BarBuilder, EaBarForAnEmittedMinuteEmitsCorrections) {
  const auto ticks = excerpt_ticks("EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  BarBuilder builder;
  Replay r;
  for (const auto& t : ticks) collect(r, builder.on_tick(t));
  // The last closed M5 and the M1 that opened it.
  ASSERT_FALSE(r.m5.empty());
  const Bar m5 = r.m5.back();
  const EaBar ea{m5.open_time_ns, m5.open, m5.high + 0.001, m5.low, m5.close, 42};
  const auto events = builder.on_ea_bar(ea);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].kind, BarEventKind::Corrected);
  EXPECT_EQ(events[0].bar.timeframe, Timeframe::M1);
  EXPECT_EQ(events[0].bar.tick_count, 42u);
  EXPECT_EQ(events[1].kind, BarEventKind::Corrected);
  EXPECT_EQ(events[1].bar.timeframe, Timeframe::M5);
  EXPECT_EQ(events[1].bar.high, ea.high);
  // Far older than the retention window: dropped and counted.
  EXPECT_TRUE(builder.on_ea_bar(EaBar{r.m1.front().open_time_ns, 1.0, 1.0, 1.0, 1.0, 0}).empty());
  EXPECT_EQ(builder.stats().ea_bars_too_old, 1u);
}

TEST(BarBuilder, InvalidInputIsCountedNotBuilt) {
  BarBuilder builder;
  EXPECT_TRUE(builder.on_tick(Tick{0, std::nan(""), 1.0}).empty());
  EXPECT_TRUE(builder.on_tick(Tick{0, -1.0, 1.0}).empty());
  EXPECT_EQ(builder.stats().invalid_ticks, 2u);
  EXPECT_TRUE(builder.on_ea_bar(EaBar{30 * kNanosPerSecond, 1.0, 1.1, 0.9, 1.0, 0}).empty());  // not aligned
  EXPECT_TRUE(builder.on_ea_bar(EaBar{60 * kNanosPerSecond, 1.0, 0.95, 0.9, 1.0, 0}).empty());  // high < open
  EXPECT_EQ(builder.stats().ea_bars_invalid, 2u);
  EXPECT_FALSE(builder.forming(Timeframe::M1).has_value());
}

}  // namespace
}  // namespace bitten::market

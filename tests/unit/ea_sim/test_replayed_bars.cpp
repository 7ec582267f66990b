// The replayed prices reproduce the source bars: OHLC messages equal the source M1 bars, and for
// bar sources the TICK snapshots rebuilt with market::BarBuilder give back every source bar.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "bitten/core/time.hpp"
#include "bitten/ea/decoder.hpp"
#include "bitten/market/bar_builder.hpp"
#include "replay.hpp"
#include "sim_ea.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

namespace {
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}

struct Replayed {
  std::map<int64_t, ea::Ohlc> ohlc;   // by bar time (s)
  std::vector<market::BarEvent> rebuilt;  // M1 bars from the TICK snapshots
  size_t ticks = 0;
};

// Replays one feed through a SimEa exactly as the runner does, and decodes what it sends.
Replayed replay(const SymbolFeed& feed) {
  SimEaConfig c;
  c.uuid = "SIM_1_TEST";
  c.node_id = "NODE_1_1";
  c.login = 1;
  c.symbols = {feed.symbol};
  SimEa ea(symbols(), c);
  std::vector<SymbolFeed> feeds{feed};
  ReplayMerge merge(feeds, 0, false);
  std::vector<Outbound> out;
  ea.start(merge.first_time(), out);
  ReplayEvent e;
  int64_t last = 0;
  while (merge.next(e)) {
    ea.on_time(e.time_ns, out);
    ea.on_quote(e.feed, e.bid, e.ask, e.time_ns, out);
    last = e.time_ns;
  }
  ea.on_time(last + 120 * kNsPerSecond, out);
  Replayed r;
  market::BarBuilder builder;
  ea::Decoder d;
  for (const auto& o : out) {
    auto m = d.decode(o.payload);
    EXPECT_TRUE(m) << o.payload;
    if (!m) continue;
    if (auto* t = std::get_if<ea::Tick>(&*m)) {
      ++r.ticks;
      for (auto& ev : builder.on_tick(market::Tick{t->broker_epoch * kNsPerSecond, t->bid, t->ask}))
        if (ev.bar.timeframe == market::Timeframe::M1) r.rebuilt.push_back(ev);
    } else if (auto* b = std::get_if<ea::Ohlc>(&*m)) {
      if (b->timeframe == "M1") r.ohlc[b->time] = *b;
    }
  }
  for (auto& ev : builder.flush())
    if (ev.bar.timeframe == market::Timeframe::M1) r.rebuilt.push_back(ev);
  return r;
}

void expect_bar(const SourceBar& src, double o, double h, double l, double c, const SymbolSpec& spec, const std::string& what) {
  EXPECT_DOUBLE_EQ(o, spec.round_price(src.open)) << what;
  EXPECT_DOUBLE_EQ(h, spec.round_price(src.high)) << what;
  EXPECT_DOUBLE_EQ(l, spec.round_price(src.low)) << what;
  EXPECT_DOUBLE_EQ(c, spec.round_price(src.close)) << what;
}

void check_bar_source(const FeedSpec& spec) {
  const SymbolSpec& sym = *symbols().find(spec.symbol);
  auto feed = load_feed(spec, sym);
  ASSERT_TRUE(feed) << feed.error().message;
  const Replayed r = replay(*feed);
  // Every source bar comes back from the snapshots (one synthetic tick per second, so none is lost).
  ASSERT_EQ(r.rebuilt.size(), feed->bars.size()) << spec.path;
  for (size_t i = 0; i < feed->bars.size(); ++i) {
    const auto& b = r.rebuilt[i].bar;
    EXPECT_EQ(b.open_time_ns, feed->bars[i].open_time_ns);
    expect_bar(feed->bars[i], b.open, b.high, b.low, b.close, sym, spec.path + " bar " + std::to_string(i));
  }
  // And every OHLC message is the source bar of its minute.
  ASSERT_GT(r.ohlc.size(), feed->bars.size() * 9 / 10);
  std::map<int64_t, SourceBar> by_time;
  for (const auto& b : feed->bars) by_time[b.open_time_ns / kNsPerSecond] = b;
  for (const auto& [t, o] : r.ohlc) {
    ASSERT_TRUE(by_time.count(t)) << t;
    expect_bar(by_time[t], o.open, o.high, o.low, o.close, sym, "OHLC " + format_ea_datetime(t));
  }
}
}  // namespace

TEST(ReplayedBars, LeanM1XauusdComesBackBarForBar) {
  check_bar_source(make_feed("XAUUSD", FeedFormat::LeanM1, test::source_root() + "/tests/data/replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"));
}

TEST(ReplayedBars, NautilusGbpusdComesBackBarForBar) {
  check_bar_source(make_feed("GBPUSD", FeedFormat::NautilusM1, test::source_root() + "/tests/data/replay/gbpusd-m1-bid-2012-02-01_excerpt.csv",
                    test::source_root() + "/tests/data/replay/gbpusd-m1-ask-2012-02-01_excerpt.csv"));
}

TEST(ReplayedBars, TickReplayOhlcEqualsTheBrokersOwnM1Bars) {
  // Oanda's own M1 bid bars for the minutes of the tick excerpt (same ticks, same minutes).
  FeedSpec ticks = make_feed("EURUSD", FeedFormat::LeanTicks, test::source_root() + "/tests/data/market/EURUSD_oanda_ticks_2014-05-01_excerpt.csv");
  auto feed = load_feed(ticks, *symbols().find("EURUSD"));
  ASSERT_TRUE(feed) << feed.error().message;
  FeedSpec bars_spec = make_feed("EURUSD", FeedFormat::LeanM1, test::source_root() + "/tests/data/market/EURUSD_oanda_M1_2014-05-01_excerpt.csv");
  auto bars = read_bars(bars_spec);
  ASSERT_TRUE(bars) << bars.error().message;
  std::map<int64_t, SourceBar> by_time;
  for (const auto& b : *bars) by_time[b.open_time_ns / kNsPerSecond] = b;
  const Replayed r = replay(*feed);
  EXPECT_GT(r.ticks, 1000u);
  ASSERT_GT(r.ohlc.size(), 100u);
  size_t compared = 0;
  for (const auto& [t, o] : r.ohlc) {
    if (!by_time.count(t)) continue;  // the excerpt's last minute may be cut
    ++compared;
    expect_bar(by_time[t], o.open, o.high, o.low, o.close, *symbols().find("EURUSD"), "OHLC " + format_ea_datetime(t));
  }
  EXPECT_GE(compared + 1, r.ohlc.size());
}

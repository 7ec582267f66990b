// The detector engine: ticks and bars in, throttled candidates out, all on event time.
#include <gtest/gtest.h>

#include "bitten/patterns/engine.hpp"
#include "harness.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::patterns;
using namespace bitten::patterns::test;

namespace {
const SymbolTable& table() {
  static SymbolTable t = *SymbolTable::load_file(bitten::test::source_root() + "/config/symbols.json");
  return t;
}
// Three momentum bursts 45 minutes apart, each out of a tight 8-bar box.
std::vector<Ohlc> three_bursts() {
  std::vector<Ohlc> v;
  double base = 1.1000;
  for (int burst = 0; burst < 3; ++burst) {
    for (int i = 0; i < (burst == 0 ? 20 : 8); ++i) {
      const double c = base + (i % 2 ? 0.00002 : -0.00002);
      v.push_back({c, c + 0.0005, c - 0.0005, c});
    }
    v.push_back({base, base + 0.0032, base - 0.0001, base + 0.0030});
    base += 0.0030;
  }
  return v;
}
EngineConfig mb_config() {
  EngineConfig c;
  c.source = "pattern_detector";
  c.patterns = {PatternId::MomentumBurst};
  return c;
}
std::vector<schema::SignalMsg> run_bars(DetectorEngine& e, const std::vector<Ohlc>& bars) {
  std::vector<schema::SignalMsg> out;
  for (size_t i = 0; i < bars.size(); ++i) {
    market::Bar b;
    b.timeframe = market::Timeframe::M5;
    b.open_time_ns = kStartNs + static_cast<int64_t>(i) * kBarNs;
    b.open = bars[i].o, b.high = bars[i].h, b.low = bars[i].l, b.close = bars[i].c;
    e.on_closed_bar("EURUSD", b, 0.00005, out);
  }
  return out;
}
}  // namespace

TEST(DetectorEngine, EmitsEveryBurstWhenNotThrottled) {
  auto cfg = mb_config();
  cfg.params.throttle = {0, 100};
  DetectorEngine e(cfg, table());
  auto out = run_bars(e, three_bursts());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(e.stats().bars_closed, 39u);
  EXPECT_EQ(e.stats().signals[static_cast<size_t>(PatternId::MomentumBurst)], 3u);
  for (const auto& s : out) {
    EXPECT_EQ(s.pattern, "MOMENTUM_BURST");
    EXPECT_EQ(s.source, "pattern_detector");
    EXPECT_EQ(s.detected_ns, s.bar_time_ns + kBarNs);
  }
}

TEST(DetectorEngine, CooldownPerSymbolAndPatternOnEventTime) {
  auto cfg = mb_config();
  cfg.params.throttle = {3600, 100};  // 1 h cooldown: the burst 45 min later is throttled
  DetectorEngine e(cfg, table());
  auto out = run_bars(e, three_bursts());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(e.stats().throttled_cooldown, 1u);
  EXPECT_EQ(out[1].bar_time_ns - out[0].bar_time_ns, 18 * kBarNs);
}

TEST(DetectorEngine, HourlyCapPerSymbolIsARolling60MinuteWindow) {
  auto cfg = mb_config();
  cfg.params.throttle = {0, 1};
  DetectorEngine e(cfg, table());
  auto out = run_bars(e, three_bursts());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(e.stats().throttled_hourly, 1u);
}

TEST(DetectorEngine, TicksGiveTheSameSignalsAsClosedBars) {
  auto cfg = mb_config();
  cfg.params.throttle = {0, 100};
  DetectorEngine from_bars(cfg, table()), from_ticks(cfg, table());
  const auto bars = three_bursts();
  const auto expected = run_bars(from_bars, bars);
  std::vector<schema::SignalMsg> got;
  for (size_t i = 0; i <= bars.size(); ++i) {
    const int64_t t0 = kStartNs + static_cast<int64_t>(i) * kBarNs;
    // Four quotes per bar, in four different minutes: open, high, low, close.
    const Ohlc b = i < bars.size() ? bars[i] : bars.back();
    const double px[4] = {b.o, b.h, b.l, b.c};
    for (int k = 0; k < 4; ++k) {
      schema::TickMsg t;
      t.symbol = "EURUSD";
      t.time_ns = t0 + k * 60'000'000'000LL + 1'000'000;
      t.bid = px[k];
      t.ask = px[k] + 0.00005;
      from_ticks.on_tick(t, got);
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(DetectorEngine, CountsUnknownAndUntradedSymbols) {
  auto cfg = mb_config();
  cfg.symbols = {"EURUSD"};
  DetectorEngine e(cfg, table());
  std::vector<schema::SignalMsg> out;
  schema::TickMsg t{"NOPE", 1.0, 1.1, 0, kStartNs, "", ""};
  e.on_tick(t, out);
  t.symbol = "GBPUSD";
  e.on_tick(t, out);
  EXPECT_EQ(e.stats().unknown_symbol, 1u);
  EXPECT_EQ(e.stats().untraded_symbol, 1u);
  const schema::BarMsg b{"EURUSD", "M5", kStartNs, 1.1, 1.1, 1.1, 1.1, 0, "ticks", ""};
  e.on_bar(b, out);
  EXPECT_EQ(e.stats().ignored_bar_msgs, 1u);
}

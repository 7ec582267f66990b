// The order spec: entry on the filling side, SL from structure and ATR, TP from rr, pips from the
// symbol's pip size, spread filter, class rule and the deterministic signal id.
#include <gtest/gtest.h>

#include "bitten/patterns/signal_builder.hpp"
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
// 20 bars of constant range: ATR = 2 * half_range exactly.
SeriesState series(double price, double half_range) {
  SeriesState s(IndicatorParams{});
  for (int i = 0; i < 20; ++i) {
    const int64_t t = kStartNs + i * kBarNs;
    s.update(Candle{t, t + kBarNs, price, price + half_range, price - half_range, price});
  }
  return s;
}
BuildResult build(const char* sym, const Detection& d, const SeriesState& s, double spread,
                  const PatternSetParams& p = {}, PatternId id = PatternId::LiquiditySweepReversal) {
  return build_signal(d, id, s, BuildContext{*table().find(sym), p, "M5", "elite_guard", spread});
}
}  // namespace

TEST(SignalBuilder, BuyEntersOnAskWithStructureStopAndRrTarget) {
  auto s = series(1.1000, 0.0005);  // ATR 0.0010
  Detection d{Side::Buy, 1.0990, 72.34, {{"lsr_wick_ratio", 0.6}}};
  auto r = build("EURUSD", d, s, 0.00008);
  ASSERT_TRUE(r.signal) << rejection_name(r.rejection);
  const auto& m = *r.signal;
  EXPECT_EQ(m.direction, "BUY");
  EXPECT_DOUBLE_EQ(m.entry, 1.10008);                  // bid close + spread
  EXPECT_NEAR(m.sl, 1.0990 - 0.0001, 1e-9);            // structure - 0.1 ATR
  EXPECT_NEAR(m.sl_pips, 11.8, 1e-9);
  EXPECT_NEAR(m.tp, 1.10008 + 2.0 * 0.00118, 1e-9);    // LSR rr 2
  EXPECT_NEAR(m.rr, 2.0, 1e-9);
  EXPECT_NEAR(m.spread_pips, 0.8, 1e-9);
  EXPECT_NEAR(m.atr_pips, 10.0, 1e-9);
  EXPECT_EQ(m.signal_class, "SNIPER");
  EXPECT_EQ(m.session, "LONDON");
  EXPECT_EQ(m.timeframe, "M5");
  EXPECT_EQ(m.source, "elite_guard");
  EXPECT_DOUBLE_EQ(m.confidence, 72.3);
  EXPECT_EQ(m.bar_time_ns, kStartNs + 19 * kBarNs);
  EXPECT_EQ(m.detected_ns, kStartNs + 20 * kBarNs);
  EXPECT_EQ(m.features.at("hour"), 11);
  EXPECT_EQ(m.features.at("dow"), 2);  // Wednesday
  EXPECT_EQ(m.features.count("lsr_wick_ratio"), 1u);
}

TEST(SignalBuilder, SellStopIsOnTheAskSide) {
  auto s = series(1.1000, 0.0005);
  auto r = build("EURUSD", Detection{Side::Sell, 1.1010, 60, {}}, s, 0.0001);
  ASSERT_TRUE(r.signal);
  EXPECT_DOUBLE_EQ(r.signal->entry, 1.1000);
  EXPECT_NEAR(r.signal->sl, 1.1010 + 0.0001 + 0.0001, 1e-9);
  EXPECT_LT(r.signal->tp, r.signal->entry);
  EXPECT_EQ(r.signal->signal_class, "RAPID");  // confidence below the SNIPER bar
}

TEST(SignalBuilder, PipsFollowTheSymbolPipSize) {
  // JPY 0.01, XAU 0.1, XAG 0.001: a stop of 1 ATR is the same number of "ATR pips" in each unit.
  struct C {
    const char* sym;
    double price, half, pip;
  };
  for (const C& c : {C{"USDJPY", 150.00, 0.05, 0.01}, C{"XAUUSD", 2000.0, 1.0, 0.1}, C{"XAGUSD", 25.000, 0.05, 0.001}}) {
    auto s = series(c.price, c.half);
    auto r = build(c.sym, Detection{Side::Sell, c.price + 2 * c.half * 0.9, 60, {}}, s, 0);
    ASSERT_TRUE(r.signal) << c.sym;
    EXPECT_NEAR(r.signal->atr_pips, 2 * c.half / c.pip, 1e-6) << c.sym;
    EXPECT_NEAR(r.signal->sl_pips, 2 * c.half / c.pip, 0.11) << c.sym;  // 0.9 ATR + 0.1 ATR buffer
    EXPECT_NEAR(r.signal->tp_pips, 2 * r.signal->sl_pips, 0.11) << c.sym;
  }
}

TEST(SignalBuilder, StopNeverTighterThanTheAtrFloor) {
  auto s = series(1.1000, 0.0005);
  auto r = build("EURUSD", Detection{Side::Buy, 1.09999, 60, {}}, s, 0);
  ASSERT_TRUE(r.signal);
  EXPECT_NEAR(r.signal->sl_pips, 5.0, 1e-9);  // 0.5 ATR
}

TEST(SignalBuilder, RefusesStructureTooFarAway) {
  auto s = series(1.1000, 0.0005);
  auto r = build("EURUSD", Detection{Side::Buy, 1.0960, 60, {}}, s, 0);
  EXPECT_FALSE(r.signal);
  EXPECT_EQ(r.rejection, Rejection::SlTooWide);
}

TEST(SignalBuilder, RefusesWideSpread) {
  auto s = series(1.1000, 0.0005);
  auto r = build("EURUSD", Detection{Side::Buy, 1.0990, 60, {}}, s, 0.0004);  // 4 pips > 3
  EXPECT_EQ(r.rejection, Rejection::SpreadTooWide);
  PatternSetParams p;
  p.spread.max_pips["EURUSD"] = 10;
  p.spread.max_fraction_of_sl = 0.25;
  auto r2 = build("EURUSD", Detection{Side::Buy, 1.0999, 60, {}}, s, 0.0004, p);  // SL 0.5 ATR + spread
  EXPECT_EQ(r2.rejection, Rejection::SpreadVsSl);
}

TEST(SignalBuilder, RefusesLowConfidenceWhenConfigured) {
  auto s = series(1.1000, 0.0005);
  PatternSetParams p;
  p.lsr.risk.min_confidence = 65;
  EXPECT_EQ(build("EURUSD", Detection{Side::Buy, 1.0990, 60, {}}, s, 0, p).rejection, Rejection::LowConfidence);
}

TEST(SignalBuilder, RewardIsAtLeastTheRisk) {
  auto s = series(1.1000, 0.0005);
  for (PatternId id : kAllPatterns) {
    auto r = build("EURUSD", Detection{Side::Buy, 1.0990, 60, {}}, s, 0, PatternSetParams{}, id);
    ASSERT_TRUE(r.signal);
    EXPECT_GE(r.signal->rr, 1.0) << pattern_name(id);
  }
}

TEST(SignalBuilder, SignalIdIsDeterministicShortAndPerDetection) {
  const auto a = make_signal_id("EURUSD", "BB_SCALP", "M5", kStartNs);
  EXPECT_EQ(a, make_signal_id("EURUSD", "BB_SCALP", "M5", kStartNs));
  EXPECT_LE(a.size(), 31u);
  EXPECT_EQ(a.rfind("SIG_", 0), 0u);
  EXPECT_NE(a, make_signal_id("EURUSD", "BB_SCALP", "M5", kStartNs + kBarNs));
  EXPECT_NE(a, make_signal_id("EURUSD", "MOMENTUM_BURST", "M5", kStartNs));
  EXPECT_NE(a, make_signal_id("GBPUSD", "BB_SCALP", "M5", kStartNs));
  EXPECT_NE(a, make_signal_id("EURUSD", "BB_SCALP", "M15", kStartNs));
}

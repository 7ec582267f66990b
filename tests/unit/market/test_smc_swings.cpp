// swing_highs_lows against its definition (../shared/reference/smc-oracle.md), written here the slow
// and obvious way: candidates by scanning each row's whole window, the alternation clean-up by
// repeated simultaneous passes. The library computes candidates with block extremes and cleans up in
// one pass over runs; these tests hold the two equal on real bars (the shipped excerpt, every L the
// oracle uses and more) and on invented series full of ties, plateaus and NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "bitten/market/ohlc.hpp"
#include "bitten/market/smc/batch.hpp"
#include "test_data.hpp"

namespace bitten::market {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> reference_candidates(const OhlcSeries& o, size_t L) {
  const size_t n = o.size();
  std::vector<double> out(n, kNaN);
  if (n < 2 * L) return out;
  for (size_t i = 2 * L - 1; i + L < n; ++i) {
    // pandas: the rolling max/min of a window holding a NaN is NaN, and NaN equals nothing.
    bool high = true, low = true;
    for (size_t k = i + 1 - L; k <= i + L; ++k) {
      if (std::isnan(o.high[k]) || o.high[k] > o.high[i]) high = false;
      if (std::isnan(o.low[k]) || o.low[k] < o.low[i]) low = false;
    }
    out[i] = high ? 1.0 : (low ? -1.0 : kNaN);
  }
  return out;
}

std::vector<double> reference_highlow(const OhlcSeries& o, size_t L) {
  std::vector<double> hl = reference_candidates(o, L);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<size_t> pos;
    for (size_t i = 0; i < hl.size(); ++i)
      if (!std::isnan(hl[i])) pos.push_back(i);
    std::vector<size_t> drop;
    for (size_t k = 0; k + 1 < pos.size(); ++k) {
      const size_t a = pos[k], b = pos[k + 1];
      if (hl[a] != hl[b]) continue;
      const bool a_less = hl[a] == 1 ? o.high[a] < o.high[b] : o.low[a] > o.low[b];
      drop.push_back(a_less ? a : b);
    }
    for (size_t i : drop) hl[i] = kNaN;
    changed = !drop.empty();
  }
  size_t first = hl.size(), last = hl.size();
  for (size_t i = 0; i < hl.size(); ++i)
    if (!std::isnan(hl[i])) {
      if (first == hl.size()) first = i;
      last = i;
    }
  if (first != hl.size()) {
    const double f = hl[first], l = hl[last];
    hl[0] = -f;
    hl[hl.size() - 1] = -l;
  }
  return hl;
}

// NaN == NaN for these comparisons.
void expect_same(const std::vector<double>& got, const std::vector<double>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " row " << i << " got " << got[i];
    } else {
      EXPECT_EQ(got[i], want[i]) << what << " row " << i;
    }
  }
}

void check(const OhlcSeries& o, size_t L, const std::string& what) {
  expect_same(smc::swing_candidates(o, static_cast<int>(L)), reference_candidates(o, L), what + " candidates");
  const Table t = smc::swing_highs_lows(o, static_cast<int>(L));
  expect_same(t.at("HighLow"), reference_highlow(o, L), what + " HighLow");
}

OhlcSeries series(const std::vector<double>& highs, const std::vector<double>& lows) {
  OhlcSeries o;
  for (size_t i = 0; i < highs.size(); ++i)
    o.push_back(static_cast<int64_t>(i) * 900'000'000'000LL, lows[i], highs[i], lows[i], highs[i], 1);
  return o;
}

TEST(SmcSwings, EqualTheDefinitionOnRealBarsForEverySwingLength) {
  auto o = load_ohlc_csv(testing::excerpt_dir() + "/EURUSD_15M_smc_tickvol/input.csv");
  ASSERT_TRUE(o.ok()) << o.error().message;
  ASSERT_GE(o->size(), 400u);
  for (size_t L : {1, 2, 3, 4, 5, 7, 10, 13, 20, 33, 50, 120, 249, 250, 251})
    check(*o, L, "L=" + std::to_string(L));
}

TEST(SmcSwings, EqualTheDefinitionWithTiesAndPlateaus) {
  // Prices on a coarse grid so that equal highs and lows are everywhere; a deterministic sequence.
  std::vector<double> h, l;
  uint32_t x = 12345;
  for (int i = 0; i < 3000; ++i) {
    x = x * 1103515245u + 12345u;
    const double mid = 100 + static_cast<double>((x >> 16) % 7);
    h.push_back(mid + static_cast<double>((x >> 8) % 2));
    l.push_back(mid - static_cast<double>((x >> 4) % 2));
  }
  const OhlcSeries o = series(h, l);
  for (size_t L : {1, 2, 3, 5, 8, 50}) check(o, L, "grid L=" + std::to_string(L));
  // A flat market: every eligible row ties the window's high, so every one is a high candidate
  // and the clean-up keeps the earliest.
  const OhlcSeries flat = series(std::vector<double>(40, 1.5), std::vector<double>(40, 1.4));
  check(flat, 3, "flat");
  const auto c = smc::swing_candidates(flat, 3);
  EXPECT_EQ(c[5], 1.0);
  EXPECT_EQ(c[36], 1.0);
  EXPECT_TRUE(std::isnan(c[4]));
  EXPECT_TRUE(std::isnan(c[37]));
}

TEST(SmcSwings, ShortSeriesAndNaNRows) {
  const OhlcSeries tiny = series({1, 2, 3}, {0.5, 1.5, 2.5});
  check(tiny, 2, "tiny");
  check(tiny, 5, "shorter than the window");
  std::vector<double> h, l;
  for (int i = 0; i < 200; ++i) {
    h.push_back(1.1 + 0.001 * std::sin(i * 0.7));
    l.push_back(1.09 + 0.001 * std::cos(i * 0.3));
  }
  h[57] = kNaN; h[30] = kNaN;
  l[120] = kNaN;
  check(series(h, l), 4, "with NaN");
}

}  // namespace
}  // namespace bitten::market

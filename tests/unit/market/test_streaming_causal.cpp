// Causality property: for sampled bars t of real data, the streaming state after feeding bars
// 0..t equals the batch (oracle) result on the data truncated at t, for every causal part of the
// oracle. Runs on the full shared data when present, else on the shipped excerpts.
#include <gtest/gtest.h>

#include <cmath>

#include "bitten/market/ohlc.hpp"
#include "bitten/market/smc/batch.hpp"
#include "bitten/market/smc/oracle_session_window.hpp"
#include "bitten/market/streaming/streaming_fvg.hpp"
#include "bitten/market/streaming/streaming_previous_high_low.hpp"
#include "bitten/market/streaming/streaming_swings.hpp"
#include "test_data.hpp"

namespace bitten::market {
namespace {

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Sample points: dense at the start (warm-up edge cases), then every `stride` bars, plus the end.
std::vector<size_t> sample_points(size_t n, size_t stride) {
  std::vector<size_t> ts;
  for (size_t t = 0; t < std::min<size_t>(n, 120); ++t) ts.push_back(t);
  for (size_t t = 120; t < n; t += stride) ts.push_back(t);
  if (n) ts.push_back(n - 1);
  return ts;
}

std::vector<std::pair<std::string, OhlcSeries>> datasets() {
  std::vector<std::pair<std::string, OhlcSeries>> out;
  const auto root = testing::shared_data_dir();
  std::vector<std::string> paths;
  if (!root.empty()) {
    for (const char* d : {"EURUSD_15M_smc_tickvol", "GBPUSD_M1_fxcm_bid_2012-02", "XAUUSD_M1_oanda_bid_2014-05"})
      paths.push_back(root + "/smc/generated/" + d + "/input.csv");
  } else {
    for (const char* d : {"EURUSD_15M_smc_tickvol", "XAUUSD_M1_oanda_bid_2014-05"})
      paths.push_back(testing::excerpt_dir() + "/" + d + "/input.csv");
  }
  for (const auto& p : paths) {
    auto s = load_ohlc_csv(p);
    EXPECT_TRUE(s.ok()) << p;
    if (s.ok()) out.emplace_back(p, s->head(8000));  // bounded run time
  }
  return out;
}

TEST(StreamingCausal, SwingCandidatesEqualBatchOnTruncatedData) {
  for (const auto& [name, bars] : datasets()) {
    SCOPED_TRACE(name);
    for (int L : {5, 10}) {
      StreamingSwings swings(L);
      std::vector<double> streamed(bars.size(), std::nan(""));
      size_t next = 0;
      const auto ts = sample_points(bars.size(), 97);
      for (size_t t = 0; t < bars.size(); ++t) {
        if (auto s = swings.on_bar(bars.high[t], bars.low[t])) {
          EXPECT_EQ(s->confirmed_at, t);
          EXPECT_EQ(s->index + static_cast<size_t>(L), t);
          EXPECT_EQ(s->level, s->type == 1 ? bars.high[s->index] : bars.low[s->index]);
          streamed[s->index] = s->type;
        }
        if (next < ts.size() && ts[next] == t) {
          ++next;
          const auto batch = smc::swing_candidates(bars.head(t + 1), L);
          for (size_t i = 0; i <= t; ++i)
            ASSERT_TRUE(same(batch[i], streamed[i])) << "L=" << L << " t=" << t << " row " << i;
        }
      }
    }
  }
}

TEST(StreamingCausal, FairValueGapsEqualBatchOnTruncatedData) {
  for (const auto& [name, bars] : datasets()) {
    SCOPED_TRACE(name);
    StreamingFvg fvg;
    size_t next = 0;
    const auto ts = sample_points(bars.size(), 89);
    for (size_t t = 0; t < bars.size(); ++t) {
      const auto ev = fvg.on_bar(bars.open[t], bars.high[t], bars.low[t], bars.close[t]);
      for (size_t g : ev.formed) EXPECT_EQ(fvg.gaps()[g].index + 1, t);
      for (size_t g : ev.mitigated) EXPECT_EQ(fvg.gaps()[g].mitigated_index, t);
      if (next >= ts.size() || ts[next] != t) continue;
      ++next;
      const Table batch = smc::fvg(bars.head(t + 1));
      std::vector<double> sign(t + 1, std::nan("")), top = sign, bottom = sign, mit = sign;
      for (const auto& g : fvg.gaps()) {
        sign[g.index] = g.type;
        top[g.index] = g.top;
        bottom[g.index] = g.bottom;
        mit[g.index] = static_cast<double>(g.mitigated_index);
      }
      for (size_t i = 0; i <= t; ++i) {
        ASSERT_TRUE(same(batch.at("FVG")[i], sign[i])) << "t=" << t << " row " << i;
        ASSERT_TRUE(same(batch.at("Top")[i], top[i])) << "t=" << t << " row " << i;
        ASSERT_TRUE(same(batch.at("Bottom")[i], bottom[i])) << "t=" << t << " row " << i;
        ASSERT_TRUE(same(batch.at("MitigatedIndex")[i], mit[i])) << "t=" << t << " row " << i;
      }
    }
  }
}

TEST(StreamingCausal, PreviousHighLowEqualsBatchOnTruncatedData) {
  for (const auto& [name, bars] : datasets()) {
    SCOPED_TRACE(name);
    for (const char* tf : {"1h", "4h", "1D", "W"}) {
      auto s = StreamingPreviousHighLow::create(tf);
      ASSERT_TRUE(s.ok());
      std::vector<PreviousHighLow> streamed;
      size_t next = 0;
      const auto ts = sample_points(bars.size(), 401);
      for (size_t t = 0; t < bars.size(); ++t) {
        streamed.push_back(s->on_bar(bars.time_ns[t], bars.high[t], bars.low[t]));
        if (next >= ts.size() || ts[next] != t) continue;
        ++next;
        auto batch = smc::previous_high_low(bars.head(t + 1), tf);
        ASSERT_TRUE(batch.ok());
        for (size_t i = 0; i <= t; ++i) {
          ASSERT_TRUE(same(batch->at("PreviousHigh")[i], streamed[i].previous_high)) << tf << " t=" << t << " row " << i << " batch " << batch->at("PreviousHigh")[i] << " stream " << streamed[i].previous_high;
          ASSERT_TRUE(same(batch->at("PreviousLow")[i], streamed[i].previous_low)) << tf << " t=" << t << " row " << i;
          ASSERT_EQ(batch->at("BrokenHigh")[i], streamed[i].broken_high ? 1.0 : 0.0) << tf << " t=" << t << " row " << i;
          ASSERT_EQ(batch->at("BrokenLow")[i], streamed[i].broken_low ? 1.0 : 0.0) << tf << " t=" << t << " row " << i;
        }
      }
    }
  }
}

TEST(StreamingCausal, OracleSessionsEqualBatchOnTruncatedData) {
  for (const auto& [name, bars] : datasets()) {
    SCOPED_TRACE(name);
    auto window = smc::oracle_session_window("London");
    ASSERT_TRUE(window.ok());
    smc::OracleSessionState state;
    std::vector<double> high;
    for (size_t t = 0; t < bars.size(); ++t) {
      state.update(window->active(bars.time_ns[t]), bars.high[t], bars.low[t]);
      high.push_back(state.high);
      if (t % 733 != 0 && t + 1 != bars.size()) continue;
      auto batch = smc::sessions(bars.head(t + 1), "London");
      ASSERT_TRUE(batch.ok());
      for (size_t i = 0; i <= t; ++i) ASSERT_EQ(batch->at("High")[i], high[i]) << "t=" << t;
    }
  }
}

}  // namespace
}  // namespace bitten::market

// Batch smart-money functions on smc/EURUSD/EURUSD_15M.csv (24,424 bars) and per-bar indicator
// updates. Compare with the oracle's `seconds` column in smc/generated/MANIFEST.csv (goal >= 100x).
// The oracle/<output> benchmarks run every call MANIFEST.csv lists for that input, written as the
// oracle wrote it (swings computed inside the timed call), and report x_oracle = the oracle's
// recorded seconds / our time per call.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "bitten/market/indicators/atr.hpp"
#include "bitten/market/indicators/bollinger.hpp"
#include "bitten/market/indicators/ema.hpp"
#include "bitten/market/indicators/rsi.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/csv.hpp"
#include "bitten/market/smc/batch.hpp"
#include "oracle_call.hpp"

namespace {
using namespace bitten::market;

std::string data_root() {
  const char* env = std::getenv("BITTEN_SHARED_DATA");
  return env && *env ? env : "../shared/data/real";
}

const OhlcSeries* bars() {
  static const OhlcSeries* loaded = [] () -> const OhlcSeries* {
    const std::string root = data_root();
    auto s = load_ohlc_csv(root + "/smc/EURUSD/EURUSD_15M.csv", "Tickvol");
    if (!s) return nullptr;
    return new OhlcSeries(std::move(*s));
  }();
  return loaded;
}

#define NEED_DATA(state)                                                                    \
  if (!bars()) {                                                                            \
    state.SkipWithError("smc/EURUSD/EURUSD_15M.csv absent: set BITTEN_SHARED_DATA");         \
    return;                                                                                 \
  }

void BM_swing_highs_lows_L5(benchmark::State& s) {
  NEED_DATA(s);
  for (auto _ : s) benchmark::DoNotOptimize(smc::swing_highs_lows(*bars(), 5));
}
void BM_fvg(benchmark::State& s) {
  NEED_DATA(s);
  for (auto _ : s) benchmark::DoNotOptimize(smc::fvg(*bars(), false));
}
void BM_fvg_joined(benchmark::State& s) {
  NEED_DATA(s);
  for (auto _ : s) benchmark::DoNotOptimize(smc::fvg(*bars(), true));
}
// The functions below take precomputed swings, as the oracle's timing did (swings were an input).
void BM_bos_choch_L5(benchmark::State& s) {
  NEED_DATA(s);
  const Table shl = smc::swing_highs_lows(*bars(), 5);
  for (auto _ : s) benchmark::DoNotOptimize(smc::bos_choch(*bars(), shl, s.range(0) != 0));
}
void BM_ob_L5(benchmark::State& s) {
  NEED_DATA(s);
  const Table shl = smc::swing_highs_lows(*bars(), 5);
  for (auto _ : s) benchmark::DoNotOptimize(smc::ob(*bars(), shl, s.range(0) != 0));
}
void BM_liquidity_L5(benchmark::State& s) {
  NEED_DATA(s);
  const Table shl = smc::swing_highs_lows(*bars(), 5);
  for (auto _ : s) benchmark::DoNotOptimize(smc::liquidity(*bars(), shl, 0.01));
}
void BM_retracements_L5(benchmark::State& s) {
  NEED_DATA(s);
  const Table shl = smc::swing_highs_lows(*bars(), 5);
  for (auto _ : s) benchmark::DoNotOptimize(smc::retracements(*bars(), shl));
}
void BM_previous_high_low_1D(benchmark::State& s) {
  NEED_DATA(s);
  for (auto _ : s) benchmark::DoNotOptimize(smc::previous_high_low(*bars(), "1D"));
}
void BM_sessions_London(benchmark::State& s) {
  NEED_DATA(s);
  for (auto _ : s) benchmark::DoNotOptimize(smc::sessions(*bars(), "London"));
}

// Per-bar indicator updates over the same closes (time per bar = reported time / 24,424).
void BM_indicators_per_bar(benchmark::State& s) {
  NEED_DATA(s);
  const auto& b = *bars();
  for (auto _ : s) {
    Bollinger bb(20, 2.0);
    Atr atr(14);
    Rsi rsi(14);
    Ema ema(21);
    for (size_t i = 0; i < b.size(); ++i) {
      benchmark::DoNotOptimize(bb.update(b.close[i]));
      benchmark::DoNotOptimize(atr.update(b.high[i], b.low[i], b.close[i]));
      benchmark::DoNotOptimize(rsi.update(b.close[i]));
      benchmark::DoNotOptimize(ema.update(b.close[i]));
    }
  }
  s.SetItemsProcessed(static_cast<int64_t>(s.iterations() * b.size()));
}

BENCHMARK(BM_swing_highs_lows_L5)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_fvg)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_fvg_joined)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_bos_choch_L5)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ob_L5)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_liquidity_L5)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_retracements_L5)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_previous_high_low_1D)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_sessions_London)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_indicators_per_bar)->Unit(benchmark::kMicrosecond);

// One benchmark per distinct MANIFEST call on the EURUSD M15 input (the oracle's timing set).
void register_oracle_calls() {
  static const std::string kDataset = "EURUSD_15M_smc_tickvol";
  const std::string root = data_root() + "/smc/generated/";
  auto manifest = read_csv_file(root + "MANIFEST.csv");
  if (!manifest) {
    std::cerr << "oracle calls skipped: " << manifest.error().message << "\n";
    return;
  }
  auto input = load_ohlc_csv(root + kDataset + "/input.csv");
  if (!input) {
    std::cerr << "oracle calls skipped: " << input.error().message << "\n";
    return;
  }
  static const OhlcSeries ohlc = std::move(*input);
  const auto col = [&](const char* name) -> const std::vector<std::string>& {
    return manifest->cells[static_cast<size_t>(manifest->find_column(name))];
  };
  const auto& datasets = col("dataset");
  const auto& outputs = col("output");
  const auto& calls = col("call");
  const auto& seconds = col("seconds");
  std::set<std::string> seen;
  for (size_t r = 0; r < manifest->rows(); ++r) {
    if (datasets[r] != kDataset || !seen.insert(calls[r]).second) continue;
    const std::string call = calls[r];
    const double oracle_s = std::stod(seconds[r]);
    benchmark::RegisterBenchmark(("oracle/" + outputs[r]).c_str(), [call, oracle_s](benchmark::State& s) {
      for (auto _ : s) {
        auto t = testing::run_oracle_call(ohlc, call);
        benchmark::DoNotOptimize(t);
      }
      // A rate counter is divided by the run's time: oracle seconds x iterations / our seconds.
      s.counters["x_oracle"] = benchmark::Counter(oracle_s * static_cast<double>(s.iterations()),
                                                  benchmark::Counter::kIsRate);
    })->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_oracle_calls();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

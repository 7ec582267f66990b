// Pattern and backtester throughput on real data (docs/patterns.md, Performance).
//  - BM_SixPatternsOneM5Bar: SeriesState update + all six patterns on one closed M5 bar, per
//    symbol, over real M5 bars aggregated from the GBPUSD FXCM M1 set (or the repo's XAUUSD excerpt).
//  - BM_BacktestM1Bars: the backtester's replay (both daemon engines, six patterns) over the largest
//    real M1 set; items/s = M1 bars/s on one core.
#include <benchmark/benchmark.h>

#include "bitten/backtest/replay.hpp"
#include "bitten/patterns/engine.hpp"
#include "test_paths.hpp"

using namespace bitten;

namespace {
const SymbolTable& table() {
  static SymbolTable t = *SymbolTable::load_file(bitten::test::source_root() + "/config/symbols.json");
  return t;
}
const backtest::DataSet& largest_m1() {
  static backtest::DataSet ds = [] {
    const std::string d = bitten::test::shared_data();
    if (!d.empty()) {
      auto r = backtest::load_dataset(backtest::Format::NautilusM1, d + "/nautilus/fxcm/gbpusd-m1-bid-2012.csv",
                                      d + "/nautilus/fxcm/gbpusd-m1-ask-2012.csv", *table().find("GBPUSD"));
      if (r) return *r;
    }
    auto r = backtest::load_dataset(backtest::Format::LeanM1,
                                    bitten::test::source_root() + "/tests/data/market/EURUSD_oanda_M1_2014-05-01_excerpt.csv",
                                    "", *table().find("EURUSD"));
    return r ? *r : backtest::DataSet{};
  }();
  return ds;
}
std::vector<patterns::EngineConfig> configs() {
  auto c = backtest::load_engine_configs(bitten::test::source_root() + "/config", {"elite_guard", "pattern_detector"});
  return c ? *c : std::vector<patterns::EngineConfig>{};
}
}  // namespace

static void BM_SixPatternsOneM5Bar(benchmark::State& state) {
  const auto& ds = largest_m1();
  // Real M5 bars from the M1 bars.
  std::vector<patterns::Candle> bars;
  for (const auto& b : ds.bars) {
    const int64_t start = market::period_start(b.open_ns, market::Timeframe::M5);
    if (bars.empty() || bars.back().open_time_ns != start) {
      bars.push_back({start, start + market::period_ns(market::Timeframe::M5), b.bid_open, b.bid_high, b.bid_low, b.bid_close});
    } else {
      auto& m = bars.back();
      m.high = std::max(m.high, b.bid_high);
      m.low = std::min(m.low, b.bid_low);
      m.close = b.bid_close;
    }
  }
  patterns::PatternSetParams params;
  patterns::SeriesState series(params.indicators);
  std::vector<std::unique_ptr<patterns::Pattern>> pats;
  for (auto id : patterns::kAllPatterns) pats.push_back(patterns::make_pattern(id, params));
  size_t i = 0, fired = 0;
  for (auto _ : state) {
    if (i == bars.size()) {  // start the series again (fresh state) at the end of the data
      state.PauseTiming();
      series = patterns::SeriesState(params.indicators);
      pats.clear();
      for (auto id : patterns::kAllPatterns) pats.push_back(patterns::make_pattern(id, params));
      i = 0;
      state.ResumeTiming();
    }
    series.update(bars[i++]);
    for (auto& p : pats) {
      auto d = p->on_bar(series);
      fired += d.has_value();
    }
  }
  state.counters["detections"] = static_cast<double>(fired);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SixPatternsOneM5Bar);

static void BM_BacktestM1Bars(benchmark::State& state) {
  const auto& ds = largest_m1();
  const auto cfgs = configs();
  size_t signals = 0;
  for (auto _ : state) {
    std::vector<patterns::DetectorEngine> engines;
    for (const auto& c : cfgs) engines.emplace_back(c, table());
    signals = backtest::replay(engines, ds).size();
    benchmark::DoNotOptimize(signals);
  }
  state.counters["signals"] = static_cast<double>(signals);
  state.counters["m1_bars"] = static_cast<double>(ds.bars.size());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ds.bars.size()));
}
BENCHMARK(BM_BacktestM1Bars)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

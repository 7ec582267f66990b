// ML latency and throughput: single-signal score (feature build + XGBoost, reused proxy, nthread 1),
// batch prediction, and training time. Rows are synthetic and deterministic (shape only matters here).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "bitten/ml/model.hpp"

using namespace bitten;
using namespace bitten::ml;

namespace {

const char* const kPatterns[] = {"LIQUIDITY_SWEEP_REVERSAL", "ORDER_BLOCK_BOUNCE", "FAIR_VALUE_GAP_FILL",
                                 "VCB_BREAKOUT", "MOMENTUM_BURST", "BB_SCALP"};
const char* const kSymbols[] = {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD", "AUDUSD", "USDCAD", "NZDUSD", "EURJPY"};
const char* const kSessions[] = {"SYDNEY", "TOKYO", "LONDON", "NEW_YORK", "OVERLAP_LONDON_NY"};

std::vector<LabelledSignal> synthetic_rows(size_t n) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<LabelledSignal> rows;
  for (size_t i = 0; i < n; ++i) {
    schema::SignalMsg s;
    s.signal_id = std::to_string(i);
    s.pattern = kPatterns[rng() % 6];
    s.symbol = kSymbols[rng() % 8];
    s.session = kSessions[rng() % 5];
    s.timeframe = rng() % 2 ? "M5" : "M15";
    s.direction = rng() % 2 ? "BUY" : "SELL";
    s.bar_time_ns = static_cast<int64_t>(1'400'000'000 + i * 300) * 1'000'000'000;
    s.atr_pips = 3 + 20 * u(rng);
    s.spread_pips = 0.5 + 2 * u(rng);
    s.confidence = 60 + 40 * u(rng);
    s.rr = 1 + 2 * u(rng);
    s.sl_pips = 5 + 30 * u(rng);
    s.features = {{"rsi", 100 * u(rng)}, {"bb_pos", 2 * u(rng) - 1}};
    const double p = 1.0 / (1.0 + s.rr) + 0.1 * (s.confidence - 80) / 20;
    rows.push_back({s, u(rng) < p ? grading::Outcome::Win : grading::Outcome::Loss});
  }
  return rows;
}

struct Fixture {
  std::vector<LabelledSignal> rows = synthetic_rows(20000);
  FeatureSchema schema;
  Dataset data;
  std::unique_ptr<Model> model;
  Fixture() {
    std::vector<schema::SignalMsg> sig;
    for (const auto& r : rows) sig.push_back(r.signal);
    schema = FeatureSchema::fit(sig, {.extra = {"rsi", "bb_pos"}, .min_category_count = 1});
    data = make_dataset(rows, FeatureEncoder(schema)).data;
    TrainParams p;  // defaults: 200 rounds, depth 4
    p.nthread = 2;
    model = std::make_unique<Model>(Model::train(data, schema, p).value());
  }
};

// Not a static object: XGBoost 1.7 frees a per-thread cache of each booster when the creating thread
// exits, and ~Learner touches it, so a Model destroyed during static destruction is a use-after-free
// (docs/ml.md §Lifetime). main() destroys the fixture before returning.
std::unique_ptr<Fixture> g_fixture;
Fixture& fx() {
  if (!g_fixture) g_fixture = std::make_unique<Fixture>();
  return *g_fixture;
}

void BM_ScoreSignal(benchmark::State& state) {
  auto& f = fx();
  std::vector<double> us;
  us.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    const auto& s = f.rows[i++ % f.rows.size()].signal;
    const auto t0 = std::chrono::steady_clock::now();
    auto p = f.model->score(s);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(p);
    if (us.size() < us.capacity()) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[us.size() * 99 / 100];
  }
  state.counters["features"] = static_cast<double>(f.model->num_features());
}
BENCHMARK(BM_ScoreSignal)->Unit(benchmark::kMicrosecond);

void BM_EncodeSignal(benchmark::State& state) {
  auto& f = fx();
  std::vector<float> out(f.model->num_features());
  size_t i = 0;
  for (auto _ : state) {
    f.model->encoder().encode(f.rows[i++ % f.rows.size()].signal, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeSignal);

void BM_PredictBatch(benchmark::State& state) {
  auto& f = fx();
  const auto n = static_cast<size_t>(state.range(0));
  const std::span<const float> x(f.data.x.data(), n * f.data.n_cols);
  for (auto _ : state) {
    auto p = f.model->predict_batch(x, n);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_PredictBatch)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_Train(benchmark::State& state) {
  auto& f = fx();
  const auto n = static_cast<size_t>(state.range(0));
  const Dataset d = f.data.slice(0, n);
  TrainParams p;
  p.nthread = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto m = Model::train(d, f.schema, p);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Train)->Args({5000, 1})->Args({20000, 1})->Args({20000, 2})->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_fixture.reset();
  return 0;
}

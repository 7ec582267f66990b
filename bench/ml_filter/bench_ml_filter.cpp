// ml_filter benchmarks (docs/learning_loop.md §Performance), on real-data rows (tests/unit/ml
// real_signals: ../shared/data/real when present, else the excerpt). Run from the repo root or with
// BITTEN_SOURCE_ROOT set.
//   BM_FilterOnMessage: one candidate message -> decode, features, predict, decide, encode (the daemon's path)
//   BM_FilterDecide:    features + predict + decide on a decoded signal
//   BM_ScoreBatch:      Model::score_batch throughput (rows/s)
//   BM_TrainAndValidate: the trainer's train_and_validate on every labelled row (200 rounds, depth 4)
#include <benchmark/benchmark.h>

#include "../../tests/unit/ml/real_signals.hpp"
#include "bitten/ml/trainer.hpp"
#include "ml_filter.hpp"

using namespace bitten;

namespace {

struct Shared {
  ml::testdata::RealRows real = ml::testdata::load_real_rows();
  std::vector<schema::SignalMsg> signals;
  std::vector<messaging::Frames> frames;
  Shared() {
    schema::EnvelopeWriter w("bench");
    for (const auto& r : real.rows) {
      signals.push_back(r.signal);
      frames.push_back({"signal." + r.signal.symbol, w.encode("signal", 1, schema::to_json(r.signal))});
    }
  }
};
Shared& shared() {
  static Shared s;  // data only: models are created and destroyed inside each benchmark's thread
  return s;
}

ml::TrainingConfig config(int rounds) {
  ml::TrainingConfig tc;
  tc.params.rounds = rounds;
  tc.embargo_ns = shared().real.horizon_ns();
  tc.model_version = "bench";
  return tc;
}

void BM_FilterOnMessage(benchmark::State& state) {
  auto rep = ml::train_and_validate(shared().real.rows, config(200));
  if (!rep) return state.SkipWithError(rep.error().message.c_str());
  mlfilter::FilterConfig cfg;
  cfg.dedup_window = 0;  // the same ids come round again
  runtime::Health health("bench", SystemClock::instance());
  mlfilter::MlFilter f(cfg, health);
  f.set_model(&rep->model);
  std::vector<mlfilter::Outbound> out;
  size_t i = 0;
  for (auto _ : state) {
    f.on_message(shared().frames[i++ % shared().frames.size()], 1, out);
    out.clear();
  }
  state.counters["p50_us"] = f.latency().quantile_us(0.5);
  state.counters["p99_us"] = f.latency().quantile_us(0.99);
  state.counters["features"] = static_cast<double>(rep->model.num_features());
  f.set_model(nullptr);
}
BENCHMARK(BM_FilterOnMessage)->Unit(benchmark::kMicrosecond);

void BM_FilterDecide(benchmark::State& state) {
  auto rep = ml::train_and_validate(shared().real.rows, config(200));
  if (!rep) return state.SkipWithError(rep.error().message.c_str());
  mlfilter::FilterConfig cfg;
  runtime::Health health("bench", SystemClock::instance());
  mlfilter::MlFilter f(cfg, health);
  f.set_model(&rep->model);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.decide(shared().signals[i++ % shared().signals.size()], 1));
  f.set_model(nullptr);
}
BENCHMARK(BM_FilterDecide)->Unit(benchmark::kMicrosecond);

void BM_ScoreBatch(benchmark::State& state) {
  auto rep = ml::train_and_validate(shared().real.rows, config(200));
  if (!rep) return state.SkipWithError(rep.error().message.c_str());
  const size_t n = std::min<size_t>(static_cast<size_t>(state.range(0)), shared().signals.size());
  std::span<const schema::SignalMsg> batch(shared().signals.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(rep->model.score_batch(batch));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}
BENCHMARK(BM_ScoreBatch)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_TrainAndValidate(benchmark::State& state) {
  for (auto _ : state) {
    auto rep = ml::train_and_validate(shared().real.rows, config(200));
    if (!rep) return state.SkipWithError(rep.error().message.c_str());
  }
  state.counters["rows"] = static_cast<double>(shared().real.rows.size());
}
BENCHMARK(BM_TrainAndValidate)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();

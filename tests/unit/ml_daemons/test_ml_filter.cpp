// ml_filter's logic: cold start, model scoring parity with training, ModelHost loading/refusing.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "../ml/real_signals.hpp"
#include "bitten/runtime/logging.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/model_repo.hpp"
#include "helpers.hpp"
#include "ml_filter.hpp"
#include "model_host.hpp"

using namespace bitten;
using namespace bitten::mlfilter;

namespace {

schema::SignalMsg candidate(const std::string& id, double confidence) {
  schema::SignalMsg s;
  s.signal_id = id;
  s.symbol = "EURUSD";
  s.direction = "BUY";
  s.pattern = "LIQUIDITY_SWEEP_REVERSAL";
  s.timeframe = "M5";
  s.signal_class = "SNIPER";
  s.session = "LONDON";
  s.entry = 1.1;
  s.sl = 1.099;
  s.tp = 1.102;
  s.sl_pips = 10;
  s.tp_pips = 20;
  s.rr = 2;
  s.confidence = confidence;
  s.bar_time_ns = 1'399'000'000'000'000'000LL;
  s.detected_ns = s.bar_time_ns + 300'000'000'000LL;
  return s;
}

messaging::Frames frames_of(const schema::SignalMsg& s) {
  schema::EnvelopeWriter w("elite_guard");
  return {"signal." + s.symbol, w.encode("signal", 1, schema::to_json(s))};
}

const ml::Model* wait_loaded(ModelHost& host, std::vector<ModelUpdate>* all = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto& u : host.take_updates()) {
      if (all) all->push_back(u);
      if (u.kind == ModelUpdate::Kind::Loaded) return u.model;
      if (u.kind == ModelUpdate::Kind::Refused) return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return nullptr;
}

}  // namespace

TEST(MlFilterColdStart, AcceptsOnRuleConfidenceAndSaysSo) {
  FilterConfig cfg;
  cfg.cold_start_min_confidence = 75;
  runtime::Health health("ml_filter", SystemClock::instance());
  MlFilter f(cfg, health);
  std::vector<Outbound> out;
  f.on_message(frames_of(candidate("SIG_A", 80)), 123, out);
  f.on_message(frames_of(candidate("SIG_B", 60)), 124, out);
  f.on_message(frames_of(candidate("SIG_A", 80)), 125, out);  // repeated id: dropped
  f.on_message({"signal.EURUSD", "{not json"}, 126, out);
  ASSERT_EQ(out.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(out[i].topic, "signal.EURUSD");
    auto env = schema::decode_envelope(out[i].payload);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->src, "ml_filter");
    auto s = schema::signal_from_json(env->data);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->score);
    EXPECT_EQ(s->score->model_version, "none");
    EXPECT_FALSE(s->score->probability.has_value());
    EXPECT_EQ(s->score->reason, "cold_start_rule");
    EXPECT_DOUBLE_EQ(s->score->threshold, 75);
    EXPECT_EQ(s->score->accepted, i == 0);
    EXPECT_EQ(env->data["score"]["probability"], nullptr);
  }
  EXPECT_EQ(health.get("scored"), 2u);
  EXPECT_EQ(health.get("accepted"), 1u);
  EXPECT_EQ(health.get("rejected.cold_start_rule"), 1u);
  EXPECT_EQ(health.get("dropped_duplicate"), 1u);
  EXPECT_EQ(health.get("dropped_bad_message"), 1u);
}

// Trained (as ml_trainer does), saved, loaded by ModelHost on its own thread, scored by MlFilter:
// the same probability as at training time, and the same feature vector.
TEST(MlFilterModel, TrainedSavedLoadedScoresIdentically) {
  auto real = ml::testdata::load_real_rows();
  std::cout << "rows: " << real.rows.size() << " (" << real.description << ")\n";
  ASSERT_GT(real.rows.size(), 100u);
  test::TempDir tmp("parity");
  auto tc = test::small_training_config(real.horizon_ns());
  std::vector<float> holdout_x;
  std::vector<double> holdout_p;
  size_t n_cols = 0;
  {
    auto rep = ml::train_and_validate(real.rows, tc);
    ASSERT_TRUE(rep) << rep.error().message;
    ASSERT_TRUE(rep->model.save_dir(tmp.path / "models" / tc.model_version));
    holdout_x = rep->holdout.x;
    holdout_p = rep->holdout_candidate;
    n_cols = rep->holdout.n_cols;
  }  // the training-time model is freed here, on the thread that created it
  {
    auto db = store::Database::open({tmp.str("bitten.db")});
    ASSERT_TRUE(db);
    store::ModelRepo repo(*db);
    ASSERT_TRUE(repo.add(test::model_record(tc.model_version, (tmp.path / "models" / tc.model_version).string(), 1, 0.5)));
    ASSERT_TRUE(repo.promote(tc.model_version, 2));
  }
  const auto signals = test::holdout_signals(real.rows, tc);
  ASSERT_EQ(signals.size(), holdout_p.size());

  ModelHost host({tmp.str("bitten.db"), tmp.str("models"), 50}, runtime::make_logger("mld_test_host", "warn"));
  host.start();
  const ml::Model* m = wait_loaded(host);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->metadata().model_version, tc.model_version);

  FilterConfig cfg;
  runtime::Health health("ml_filter", SystemClock::instance());
  MlFilter f(cfg, health);
  EXPECT_EQ(f.set_model(m), nullptr);
  size_t accepted = 0;
  for (size_t i = 0; i < signals.size(); ++i) {
    const auto feat = m->encoder().encode(signals[i]);
    ASSERT_EQ(feat.size(), n_cols);
    for (size_t c = 0; c < n_cols; ++c) {
      const float a = feat[c], b = holdout_x[i * n_cols + c];
      ASSERT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << "row " << i << " col " << m->encoder().names()[c];
    }
    const auto sc = f.decide(signals[i], 1);
    ASSERT_TRUE(sc.probability);
    EXPECT_NEAR(*sc.probability, holdout_p[i], 1e-6);
    EXPECT_EQ(sc.model_version, tc.model_version);
    EXPECT_EQ(sc.accepted, *sc.probability >= m->metadata().threshold);
    EXPECT_EQ(sc.reason, sc.accepted ? "model_accept" : "model_reject");
    accepted += sc.accepted;
  }
  std::cout << signals.size() << " holdout signals, " << accepted << " accepted at threshold "
            << m->metadata().threshold << "\n";
  host.release(f.set_model(nullptr));
  host.stop();
}

TEST(ModelHost, RefusesCorruptModelAndKeepsTheOld) {
  auto real = ml::testdata::load_real_rows();
  test::TempDir tmp("corrupt");
  auto tc = test::small_training_config(real.horizon_ns(), 7, 20);
  {
    auto rep = ml::train_and_validate(real.rows, tc);
    ASSERT_TRUE(rep);
    ASSERT_TRUE(rep->model.save_dir(tmp.path / "models" / "good"));
    rep->model.metadata().model_version = "bad";
    ASSERT_TRUE(rep->model.save_dir(tmp.path / "models" / "bad"));
  }
  // good's metadata names version test-7: re-save under its registry name.
  {
    std::ifstream in(tmp.path / "models" / "good" / "metadata.json");
    auto j = nlohmann::json::parse(in);
    j["model_version"] = "good";
    std::ofstream(tmp.path / "models" / "good" / "metadata.json") << j.dump();
  }
  {  // flip bytes in the middle of bad's booster: the checksum no longer matches
    auto p = tmp.path / "models" / "bad" / "model.json";
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(p) / 2));
    f.write("#####", 5);
  }
  auto db = store::Database::open({tmp.str("bitten.db")});
  ASSERT_TRUE(db);
  store::ModelRepo repo(*db);
  ASSERT_TRUE(repo.add(test::model_record("good", (tmp.path / "models" / "good").string(), 1, 0.5)));
  ASSERT_TRUE(repo.add(test::model_record("bad", (tmp.path / "models" / "bad").string(), 2, 0.5)));
  ASSERT_TRUE(repo.promote("good", 3));

  ModelHost host({tmp.str("bitten.db"), tmp.str("models"), 50}, runtime::make_logger("mld_test_host2", "off"));
  host.start();
  const ml::Model* good = wait_loaded(host);
  ASSERT_NE(good, nullptr);
  ASSERT_TRUE(repo.promote("bad", 4));
  host.request_check();
  std::vector<ModelUpdate> seen;
  EXPECT_EQ(wait_loaded(host, &seen), nullptr);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().kind, ModelUpdate::Kind::Refused);
  EXPECT_EQ(seen.back().version, "bad");
  EXPECT_NE(seen.back().detail.find("model_corrupt"), std::string::npos) << seen.back().detail;
  // Not retried while the files are unchanged; the good model is still usable.
  const auto checks = host.checks();
  host.request_check();
  while (host.checks() < checks + 2) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_TRUE(host.take_updates().empty());
  EXPECT_TRUE(good->score(candidate("SIG_X", 80)));
  host.release(good);
  host.stop();
}

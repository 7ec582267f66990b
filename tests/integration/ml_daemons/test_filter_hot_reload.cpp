// ml_filter's socket loop over ipc://: a promoted model is picked up under traffic without losing a
// message, a corrupt model is refused while the old one keeps serving, cold start says so.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "../../unit/ml/real_signals.hpp"
#include "../../unit/ml_daemons/helpers.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/runtime/logging.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/model_repo.hpp"
#include "filter_loop.hpp"

using namespace bitten;
using namespace bitten::mlfilter;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Output {
  std::string id;
  std::string version;
  std::optional<double> p;
  std::string reason;
};

class FilterRig {
 public:
  explicit FilterRig(const test::TempDir& tmp, bool with_host = true) : tmp_(tmp) {
    cfg.candidates_pull = "ipc://" + tmp.str("cand.ipc");
    cfg.signals_pub = "ipc://" + tmp.str("sig.ipc");
    cfg.db_path = tmp.str("bitten.db");
    cfg.models_dir = tmp.str("models");
    cfg.reload_poll_ms = 100;
    if (with_host) {
      host = std::make_unique<ModelHost>(ModelSource{cfg.db_path, cfg.models_dir, cfg.reload_poll_ms},
                                         runtime::make_logger("mld_it_host", "off"));
      host->start();
    }
    std::atomic<bool> ready{false};
    thread_ = std::thread([&] {
      auto st = run_filter_loop(cfg, health, SystemClock::instance(), [this] { return stop_.load(); }, host.get(),
                                nullptr, 1000, [&] { ready = true; });
      EXPECT_TRUE(st);
    });
    while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    messaging::SocketOptions o;
    o.sndhwm = 100'000;
    o.rcvhwm = 100'000;
    push = messaging::Socket(messaging::SocketType::Push, o);
    sub = messaging::Socket(messaging::SocketType::Sub, o);
    EXPECT_TRUE(push.connect(cfg.candidates_pull));
    EXPECT_TRUE(sub.connect(cfg.signals_pub));
    sub.subscribe("signal.");
    // Slow joiner: probe until the subscription carries messages.
    for (int i = 0; i < 200; ++i) {
      send(probe("PROBE_" + std::to_string(i)));
      if (recv_one(std::chrono::milliseconds(50))) break;
    }
    drain(std::chrono::milliseconds(100));
  }
  ~FilterRig() {
    stop_ = true;
    thread_.join();
    if (host) host->stop();
  }

  static schema::SignalMsg probe(const std::string& id) {
    schema::SignalMsg s;
    s.signal_id = id;
    s.symbol = "EURUSD";
    s.direction = "BUY";
    s.pattern = "P";
    s.timeframe = "M5";
    s.confidence = 50;
    s.entry = 1.1;
    s.sl = 1.099;
    s.tp = 1.101;
    s.sl_pips = 10;
    s.tp_pips = 10;
    s.rr = 1;
    s.bar_time_ns = 1'399'000'000'000'000'000LL;
    s.detected_ns = s.bar_time_ns + 300'000'000'000LL;
    return s;
  }
  void send(const schema::SignalMsg& s) {
    auto r = push.send_topic("signal." + s.symbol, writer_.encode("signal", 1, schema::to_json(s)));
    ASSERT_TRUE(r && *r);
  }
  std::optional<Output> recv_one(std::chrono::milliseconds wait) {
    const auto deadline = SteadyClock::now() + wait;
    while (SteadyClock::now() < deadline) {
      if (auto f = sub.recv(true)) {
        auto env = schema::decode_envelope((*f)[1]);
        EXPECT_TRUE(env);
        auto s = schema::signal_from_json(env->data);
        EXPECT_TRUE(s && s->score);
        return Output{s->signal_id, s->score->model_version, s->score->probability, s->score->reason};
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return std::nullopt;
  }
  void drain(std::chrono::milliseconds quiet) {
    while (recv_one(quiet)) {
    }
  }

  FilterConfig cfg;
  runtime::Health health{"ml_filter", SystemClock::instance()};
  std::unique_ptr<ModelHost> host;
  messaging::Socket push{messaging::SocketType::Push}, sub{messaging::SocketType::Sub};

 private:
  const test::TempDir& tmp_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  schema::EnvelopeWriter writer_{"test_detector"};
};

void save_model(const std::vector<ml::LabelledSignal>& rows, int64_t horizon, uint64_t seed, const std::string& version,
                const test::TempDir& tmp) {
  auto tc = test::small_training_config(horizon, seed, 30);
  tc.model_version = version;
  auto rep = ml::train_and_validate(rows, tc);
  ASSERT_TRUE(rep);
  ASSERT_TRUE(rep->model.save_dir(tmp.path / "models" / version));
}

}  // namespace

TEST(FilterLoop, ColdStartOverIpc) {
  test::TempDir tmp("it_cold");
  FilterRig rig(tmp);
  auto s = FilterRig::probe("SIG_COLD");
  s.confidence = 90;
  rig.send(s);
  auto o = rig.recv_one(std::chrono::seconds(5));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->id, "SIG_COLD");
  EXPECT_EQ(o->version, "none");
  EXPECT_FALSE(o->p.has_value());
  EXPECT_EQ(o->reason, "cold_start_rule");
}

TEST(FilterLoop, HotReloadUnderTrafficLosesNothingAndRefusesACorruptModel) {
  auto real = ml::testdata::load_real_rows();
  test::TempDir tmp("it_reload");
  save_model(real.rows, real.horizon_ns(), 1, "A", tmp);
  save_model(real.rows, real.horizon_ns(), 2, "B", tmp);
  save_model(real.rows, real.horizon_ns(), 3, "C", tmp);
  {  // C's booster is damaged after it was saved
    auto p = tmp.path / "models" / "C" / "model.json";
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(p) / 3));
    f.write("@@@@", 4);
  }
  {
    auto db = store::Database::open({tmp.str("bitten.db")});
    ASSERT_TRUE(db);
    store::ModelRepo repo(*db);
    for (const char* v : {"A", "B", "C"}) ASSERT_TRUE(repo.add(test::model_record(v, tmp.str(std::string("models/") + v), 1, 0.5)));
    ASSERT_TRUE(repo.promote("A", 1));
  }
  FilterRig rig(tmp);
  // Wait until A serves.
  for (int i = 0;; ++i) {
    rig.send(FilterRig::probe("WAIT_A_" + std::to_string(i)));
    auto o = rig.recv_one(std::chrono::seconds(2));
    ASSERT_TRUE(o);
    if (o->version == "A") break;
    ASSERT_LT(i, 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rig.drain(std::chrono::milliseconds(100));

  // Traffic: real signals, one every 200 µs; B is promoted a third of the way in.
  std::vector<schema::SignalMsg> sigs;
  for (size_t i = 0; i < 3000; ++i) {
    auto s = real.rows[i % real.rows.size()].signal;
    s.signal_id = "SIG_RELOAD_" + std::to_string(i);
    sigs.push_back(s);
  }
  std::map<std::string, Output> got;
  std::vector<std::string> order;
  std::thread reader([&] {
    while (got.size() < sigs.size()) {
      auto o = rig.recv_one(std::chrono::seconds(10));
      if (!o) break;
      if (got.emplace(o->id, *o).second) order.push_back(o->id);
    }
  });
  for (size_t i = 0; i < sigs.size(); ++i) {
    if (i == sigs.size() / 3) {
      auto db = store::Database::open({tmp.str("bitten.db")});
      ASSERT_TRUE(db);
      ASSERT_TRUE(store::ModelRepo(*db).promote("B", 2));
      rig.host->request_check();
    }
    rig.send(sigs[i]);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  reader.join();
  ASSERT_EQ(got.size(), sigs.size()) << "messages lost";
  // The version changes once, from A to B, and never back.
  size_t a = 0, b = 0;
  bool seen_b = false;
  for (const auto& id : order) {
    const auto& o = got[id];
    ASSERT_TRUE(o.p.has_value());
    if (o.version == "B") {
      seen_b = true;
      ++b;
    } else {
      ASSERT_EQ(o.version, "A");
      ASSERT_FALSE(seen_b) << "A after B";
      ++a;
    }
  }
  std::cout << a << " scored by A, " << b << " by B\n";
  EXPECT_GT(a, 0u);
  EXPECT_GT(b, 0u);

  // C is corrupt: refused, B keeps serving.
  {
    auto db = store::Database::open({tmp.str("bitten.db")});
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::ModelRepo(*db).promote("C", 3));
  }
  const auto checks = rig.host->checks();
  rig.host->request_check();
  while (rig.host->checks() < checks + 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (int i = 0; i < 50; ++i) rig.send(FilterRig::probe("AFTER_C_" + std::to_string(i)));
  for (int i = 0; i < 50; ++i) {
    auto o = rig.recv_one(std::chrono::seconds(5));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->version, "B");
  }
}

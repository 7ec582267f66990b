// The detector daemons' real socket loop over ipc://: real EURUSD ticks (2014-05-08 12:00-14:00
// UTC, the ECB decision) published as tick.EURUSD envelopes, exactly as telemetry_bridge sends
// them; candidates arrive on a PULL as [signal.<SYMBOL>][envelope]. Parity: they equal, id for id
// and price for price, what bitten-backtest's replay finds on the same ticks.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <chrono>
#include <thread>
#include <unistd.h>

#include "bitten/backtest/replay.hpp"
#include "bitten/detector/detector_loop.hpp"
#include "bitten/market/tick_csv.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/schema/tick.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace std::chrono_literals;

namespace {
patterns::EngineConfig engine_config() {
  patterns::EngineConfig c;
  c.source = "elite_guard";
  c.timeframe = market::Timeframe::M1;  // two hours of ticks: M1 gives the patterns enough bars
  c.patterns.assign(patterns::kAllPatterns.begin(), patterns::kAllPatterns.end());
  auto params = detector::load_pattern_params(bitten::test::source_root() + "/config/patterns.json");
  EXPECT_TRUE(params) << params.error().message;
  if (params) c.params = *params;
  return c;
}
}  // namespace

TEST(DetectorLoop, RealTicksOverIpcGiveTheBacktestersSignals) {
  const std::string root = bitten::test::source_root();
  auto ticks = market::load_ticks_csv(root + "/tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv");
  ASSERT_TRUE(ticks) << ticks.error().message;
  ASSERT_GT(ticks->size(), 40000u);
  auto symbols = SymbolTable::load_file(root + "/config/symbols.json");
  ASSERT_TRUE(symbols);

  // The backtester's view of the same ticks.
  backtest::DataSet data;
  data.symbol = "EURUSD";
  data.ticks = *ticks;
  std::vector<patterns::DetectorEngine> engines;
  engines.emplace_back(engine_config(), *symbols);
  const auto expected = backtest::replay(engines, data);
  ASSERT_GE(expected.size(), 3u) << "the excerpt should produce a few M1 signals";

  const std::string base = "ipc:///tmp/bitten-it-detector-" + std::to_string(::getpid());
  detector::DetectorConfig cfg;
  cfg.market_sub = base + "-market";
  cfg.candidates_push = base + "-candidates";
  cfg.engine = engine_config();
  messaging::SocketOptions po;
  po.sndhwm = 0;  // the test publishes 40k ticks at once: never drop
  messaging::Socket xpub(messaging::SocketType::XPub, po), pull(messaging::SocketType::Pull);
  ASSERT_TRUE(xpub.bind(cfg.market_sub));
  ASSERT_TRUE(pull.bind(cfg.candidates_push));

  runtime::Health health("elite_guard", SystemClock::instance());
  std::atomic<bool> stop{false};
  std::thread loop([&] {
    auto st = detector::run_detector_loop(cfg, *symbols, health, SystemClock::instance(), [&] { return stop.load(); });
    EXPECT_TRUE(st) << st.error().message;
  });

  // Wait until both subscriptions (tick. and bar.) reached the publisher.
  int subs = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; subs < 2 && std::chrono::steady_clock::now() < deadline;) {
    if (auto f = xpub.recv(true)) ++subs;
    else std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(subs, 2);

  schema::EnvelopeWriter writer("telemetry_bridge");
  schema::TickMsg msg;
  msg.symbol = "EURUSD";
  msg.uuid = "ea-1";
  for (size_t i = 0; i < ticks->size(); ++i) {
    const auto& t = (*ticks)[i];
    msg.time_ns = t.time_ns;
    msg.bid = t.bid;
    msg.ask = t.ask;
    msg.spread_points = std::round((t.ask - t.bid) / 0.00001);
    if (i == 10) writer.next_seq("tick");  // one message lost upstream: a seq gap
    if (i == 20) {
      ASSERT_TRUE(xpub.send_topic("tick.EURUSD", "not json", false));
    }
    if (i % 1000 == 30) {
      // The bridge's EA-status messages, which the detectors do not subscribe to, are not gaps.
      ASSERT_TRUE(xpub.send_topic("ea.heartbeat", writer.encode("ea_status", t.time_ns, {{"kind", "heartbeat"}}), false));
    }
    ASSERT_TRUE(xpub.send_topic("tick.EURUSD", writer.encode("tick", t.time_ns, to_json(msg)), false));
  }

  std::vector<schema::SignalMsg> got;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       got.size() < expected.size() && std::chrono::steady_clock::now() < deadline;) {
    auto f = pull.recv(true);
    if (!f) {
      std::this_thread::sleep_for(1ms);
      continue;
    }
    ASSERT_EQ(f->size(), 2u);
    auto env = schema::decode_envelope((*f)[1]);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->type, "signal");
    EXPECT_EQ(env->src, "elite_guard");
    auto s = schema::signal_from_json(env->data);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ((*f)[0], "signal." + s->symbol);
    got.push_back(*s);
  }
  stop = true;
  loop.join();

  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].signal_id, expected[i].signal_id);
    EXPECT_EQ(got[i].entry, expected[i].entry);
    EXPECT_EQ(got[i].sl, expected[i].sl);
    EXPECT_EQ(got[i].tp, expected[i].tp);
    EXPECT_EQ(got[i], expected[i]);
  }
  // The loop stops once the last candidate arrived, possibly before it read the remaining ticks.
  EXPECT_GT(health.get("ticks_in"), 20u);
  EXPECT_LE(health.get("ticks_in"), ticks->size());
  EXPECT_EQ(health.get("dropped_seq_gap"), 1u);
  EXPECT_EQ(health.get("dropped_bad_envelope"), 1u);
  EXPECT_EQ(health.get("signals_out"), expected.size());
  EXPECT_GE(health.get("bars_closed"), 20u);
  EXPECT_EQ(health.get("dropped_push_full"), 0u);
}

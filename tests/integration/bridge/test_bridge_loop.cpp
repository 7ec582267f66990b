// The bridge's real socket loop over ipc://: real EURUSD ticks (2014-05-08, ECB day), snapshotted
// once per second and written exactly as the v2.05 EA writes TICK messages, pushed into PULL;
// a subscriber receives every one, normalised to UTC, in order, with no seq gap. Bad input
// interleaved with them is counted and does not disturb the flow.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "bitten/core/time.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"
#include "bridge_loop.hpp"

using namespace bitten;
using namespace std::chrono_literals;

namespace {
std::string root() {
  const char* r = std::getenv("BITTEN_SOURCE_ROOT");
  return r ? r : ".";
}
struct Snap {
  int64_t utc_s;
  double bid, ask;
};
// The EA sends at most one TICK per symbol per second: the last quote of that second.
std::vector<Snap> real_snapshots(size_t max_count) {
  std::ifstream in(root() + "/tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv");
  std::string line;
  std::getline(in, line);
  std::vector<Snap> out;
  while (std::getline(in, line) && out.size() < max_count + 1) {
    auto c1 = line.find(','), c2 = line.find(',', c1 + 1);
    auto t = parse_datetime(line.substr(0, 19));
    if (!t) continue;
    Snap s{*t, std::stod(line.substr(c1 + 1, c2 - c1 - 1)), std::stod(line.substr(c2 + 1))};
    if (!out.empty() && out.back().utc_s == s.utc_s) out.back() = s;
    else out.push_back(s);
  }
  if (out.size() > max_count) out.pop_back();  // the last second may be incomplete
  return out;
}
}  // namespace

TEST(BridgeLoop, RealTicksFlowThroughIpcNormalisedAndInOrder) {
  auto snaps = real_snapshots(3000);
  ASSERT_GE(snaps.size(), 3000u) << "tick excerpt missing";
  const std::string base = "ipc:///tmp/bitten-it-bridge-" + std::to_string(::getpid());
  bridge::BridgeConfig cfg;
  cfg.pull_bind = base + "-in";
  cfg.pub_bind = base + "-out";
  cfg.clock_check = false;      // historical data
  cfg.broker_offset_s = 10800;  // a UTC+3 broker
  auto symbols = *SymbolTable::load_file(root() + "/config/symbols.json");
  runtime::Health health("telemetry_bridge", SystemClock::instance());
  std::atomic<bool> stop{false}, ready{false};
  std::thread loop([&] {
    auto st = bridge::run_bridge_loop(cfg, symbols, health, SystemClock::instance(), [&] { return stop.load(); },
                                      nullptr, 1000, [&] { ready = true; });
    EXPECT_TRUE(st) << st.error().message;
  });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!ready && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(ready);

  messaging::SocketOptions so;
  so.rcvhwm = 0;
  messaging::Socket sub(messaging::SocketType::Sub, so), push(messaging::SocketType::Push);
  ASSERT_TRUE(sub.connect(cfg.pub_bind));
  sub.subscribe("tick.");
  ASSERT_TRUE(push.connect(cfg.pull_bind));

  // Subscription handshake: push a probe tick until one arrives (no sleeps, a deadline).
  ea::Tick probe{"NODE_1_1", "USER_UUID_123", "GBPUSD", 1.3, 1.3001, 1.0, 0, "2014.05.08 14:00:00", 0};
  bool joined = false;
  deadline = std::chrono::steady_clock::now() + 5s;
  for (int i = 0; !joined && std::chrono::steady_clock::now() < deadline; ++i) {
    probe.bid = 1.3 + i * 1e-5;
    probe.ask = probe.bid + 0.0001;
    probe.timestamp = format_ea_datetime(*parse_datetime("2014.05.08 15:00:00") + i);
    ASSERT_TRUE(*push.send_one(ea::ea_encode_tick(probe, 5)));
    for (auto t0 = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - t0 < 20ms;)
      if (sub.recv(true)) { joined = true; break; }
  }
  ASSERT_TRUE(joined);
  while (sub.recv(true)) {}

  // Real snapshots, with bad input mixed in every 97th message.
  size_t bad = 0;
  for (size_t i = 0; i < snaps.size(); ++i) {
    ea::Tick t{"NODE_1234567_998877", "USER_UUID_123", "EURUSD", snaps[i].bid, snaps[i].ask,
               ea::ea_spread_points(snaps[i].bid, snaps[i].ask, 5), 0,
               format_ea_datetime(snaps[i].utc_s + 10800), 0};
    ASSERT_TRUE(*push.send_one(ea::ea_encode_tick(t, 5)));
    if (i % 97 == 0) {
      ASSERT_TRUE(*push.send_one(i % 2 ? "{\"type\":\"TICK\",\"bid\":" : "\x01\x02garbage"));
      ++bad;
    }
  }
  std::vector<schema::TickMsg> got;
  uint64_t last_seq = 0, gaps = 0;
  deadline = std::chrono::steady_clock::now() + 20s;
  while (got.size() < snaps.size() && std::chrono::steady_clock::now() < deadline) {
    auto f = sub.recv(true);
    if (!f) {
      std::this_thread::yield();
      continue;
    }
    ASSERT_EQ(f->size(), 2u);
    auto env = schema::decode_envelope((*f)[1]);
    ASSERT_TRUE(env);
    if (last_seq && env->seq != last_seq + 1) ++gaps;
    last_seq = env->seq;
    auto t = schema::tick_from_json(env->data);
    ASSERT_TRUE(t);
    if (t->symbol == "EURUSD") got.push_back(*t);
  }
  stop = true;
  loop.join();

  ASSERT_EQ(got.size(), snaps.size()) << "valid ticks were lost";
  EXPECT_EQ(gaps, 0u);
  for (size_t i = 0; i < snaps.size(); ++i) {
    EXPECT_EQ(got[i].time_ns, snaps[i].utc_s * 1'000'000'000LL) << i;
    EXPECT_NEAR(got[i].bid, snaps[i].bid, 1e-9) << i;
    EXPECT_NEAR(got[i].ask, snaps[i].ask, 1e-9) << i;
  }
  EXPECT_EQ(health.get("dropped"), bad);
  EXPECT_EQ(health.get("publish_failed"), 0u);
}

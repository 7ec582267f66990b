// Load generator for the telemetry bridge, next to a raw PULL->PUB relay (no parsing) measured in
// the same run over the same ipc sockets:
//   1. sustained throughput with zero loss: N real-shaped EA TICK messages pushed as fast as the
//      PUSH socket allows (blocking at HWM, so nothing is dropped), counted at a subscriber;
//   2. latency at a paced rate (default 10k ticks/s): send time to subscriber receive, p50/p99.
// Rounds alternate raw and bridge (each with a fresh relay); throughput is the best round of each,
// latency the median round of each, so that one unlucky scheduling slice on a shared machine does
// not decide the ratio.
// Usage: bench_bridge [--count N] [--rate R] [--latency-count M] [--rounds K]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bitten/core/time.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bridge.hpp"
#include "bridge_loop.hpp"

using namespace bitten;
using Clk = std::chrono::steady_clock;

namespace {
int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clk::now().time_since_epoch()).count(); }

// Distinct quotes (bid encodes the message index) one second apart, as one EA would send them.
std::vector<std::string> make_ticks(size_t n, int64_t start = *parse_datetime("2014.05.08 12:00:00")) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    double bid = 1.0 + static_cast<double>(i % 90000) * 1e-5;
    ea::Tick t{"NODE_1234567_998877", "USER_UUID_123", "EURUSD", bid, bid + 0.00012, 1.2, 0,
               format_ea_datetime(start + static_cast<int64_t>(i)), 0};
    out.push_back(ea::ea_encode_tick(t, 5));
  }
  return out;
}

// Recovers the message index from "bid": in either the EA payload or the bridge's envelope.
size_t index_of(const std::string& payload) {
  auto p = payload.find("\"bid\":");
  if (p == std::string::npos) return SIZE_MAX;
  double bid = std::strtod(payload.c_str() + p + 6, nullptr);
  return static_cast<size_t>(std::llround((bid - 1.0) * 1e5));
}

struct Relay {
  virtual ~Relay() = default;
  virtual void start(const std::string& in, const std::string& out) = 0;
  virtual void stop() = 0;
};

struct RawRelay : Relay {
  std::thread th;
  std::atomic<bool> halt{false}, ready{false};
  void start(const std::string& in, const std::string& out) override {
    th = std::thread([this, in, out] {
      messaging::SocketOptions o;
      o.rcvhwm = 100000;
      o.sndhwm = 10'000'000;  // same as the bridge below: PUB must not drop during the measurement
      o.linger_ms = 0;
      messaging::Socket pull(messaging::SocketType::Pull, o), pub(messaging::SocketType::Pub, o);
      (void)pull.bind(in);
      (void)pub.bind(out);
      messaging::PollLoop loop;
      loop.add(pull, [&](messaging::Frames& f) { (void)pub.send_topic("tick.EURUSD", f[0], true); }, 1024);
      ready = true;
      loop.run([this] { return halt.load(); }, 20);
    });
    while (!ready) std::this_thread::yield();
  }
  void stop() override {
    halt = true;
    th.join();
  }
};

struct BridgeRelay : Relay {
  std::thread th;
  std::atomic<bool> halt{false}, ready{false};
  SymbolTable symbols;
  runtime::Health health{"telemetry_bridge", SystemClock::instance()};
  explicit BridgeRelay(SymbolTable s) : symbols(std::move(s)) {}
  void start(const std::string& in, const std::string& out) override {
    th = std::thread([this, in, out] {
      bridge::BridgeConfig cfg;
      cfg.pull_bind = in;
      cfg.pub_bind = out;
      cfg.clock_check = false;
      cfg.broker_offset_s = 10800;
      cfg.pub_sndhwm = 10'000'000;
      (void)bridge::run_bridge_loop(cfg, symbols, health, SystemClock::instance(), [this] { return halt.load(); },
                                    nullptr, 1000, [this] { ready = true; });
    });
    while (!ready) std::this_thread::yield();
  }
  void stop() override {
    halt = true;
    th.join();
  }
};

struct RunResult {
  double rate = 0;
  size_t received = 0;
  double p50_us = 0, p99_us = 0;
};

// Subscribes, waits for the subscription to take (probe messages), then runs fn.
void join(messaging::Socket& sub, messaging::Socket& push, const std::string& probe) {
  for (;;) {
    (void)push.send_one(probe);
    auto t0 = Clk::now();
    while (Clk::now() - t0 < std::chrono::milliseconds(10))
      if (sub.recv(true)) {
        while (sub.recv(true)) {}
        return;
      }
  }
}

RunResult run(Relay& relay, const std::vector<std::string>& ticks, size_t lat_count, double rate, const std::string& tag) {
  const std::string base = "ipc:///tmp/bitten-bench-" + tag + "-" + std::to_string(::getpid());
  relay.start(base + "-in", base + "-out");
  messaging::SocketOptions so;
  so.rcvhwm = 0;  // the measuring subscriber never drops
  so.linger_ms = 0;
  messaging::Socket sub(messaging::SocketType::Sub, so), push(messaging::SocketType::Push, so);
  (void)sub.connect(base + "-out");
  sub.subscribe("");
  (void)push.connect(base + "-in");
  // A probe from far in the future of the replay so that the bridge's per-symbol ordering keeps
  // accepting the measured ticks (they use another symbol).
  ea::Tick probe{"N", "USER_UUID_123", "GBPUSD", 1.3, 1.3001, 1.0, 0, "2014.05.08 12:00:00", 0};
  join(sub, push, ea::ea_encode_tick(probe, 5));

  RunResult r;
  // 1. throughput, blocking sends (no loss by construction of the sender).
  std::atomic<size_t> got{0};
  int64_t first = 0, last = 0;
  // The receivers block in a poll (no spinning): on two cores a spinning receiver or sender would
  // take the CPU the relay under test needs and measure the scheduler, not the relay.
  std::thread rx([&] {
    int64_t idle_since = now_ns();
    messaging::PollLoop loop;
    loop.add(sub, [&](messaging::Frames&) {
      idle_since = now_ns();
      if (got == 0) first = idle_since;
      ++got;
      last = idle_since;
    }, 1024);
    loop.run([&] { return got >= ticks.size() || now_ns() - idle_since > 3'000'000'000LL; }, 20);
  });
  for (const auto& t : ticks) (void)push.send_one(t);
  rx.join();
  r.received = got;
  r.rate = static_cast<double>(got) * 1e9 / static_cast<double>(std::max<int64_t>(1, last - first));

  // 2. latency at a paced rate; the ticks continue the same replay (later event times).
  std::vector<int64_t> sent_at(lat_count, 0), lat;
  lat.reserve(lat_count);
  // Later event times than the throughput phase; bid encodes k (lat_count < 90000).
  auto more = make_ticks(lat_count, *parse_datetime("2014.05.08 12:00:00") + static_cast<int64_t>(ticks.size()) + 10);
  std::thread rx2([&] {
    int64_t idle_since = now_ns();
    messaging::PollLoop loop;
    loop.add(sub, [&](messaging::Frames& f) {
      const int64_t t = now_ns();
      idle_since = t;
      size_t i = index_of(f.back());
      if (i >= lat_count || sent_at[i] == 0) return;
      lat.push_back(t - sent_at[i]);
    }, 1024);
    loop.run([&] { return lat.size() >= lat_count || now_ns() - idle_since > 3'000'000'000LL; }, 20);
  });
  const int64_t period = static_cast<int64_t>(1e9 / rate);
  int64_t next = now_ns();
  for (size_t k = 0; k < lat_count; ++k) {
    // Sleep to the next send time (absolute, so the mean rate holds); latency is measured from
    // the actual send, so the timer's slack does not count against the relay.
    std::this_thread::sleep_until(Clk::time_point(std::chrono::nanoseconds(next)));
    sent_at[k] = now_ns();
    (void)push.send_one(more[k]);
    next += period;
  }
  rx2.join();
  std::sort(lat.begin(), lat.end());
  if (lat.empty()) lat.push_back(0);
  r.p50_us = static_cast<double>(lat[lat.size() / 2]) / 1e3;
  r.p99_us = static_cast<double>(lat[lat.size() * 99 / 100]) / 1e3;
  sub.close();
  push.close();
  relay.stop();
  return r;
}
}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  size_t count = 300000, lat_count = 30000, rounds = 3;
  double rate = 10000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--count")) count = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rate")) rate = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--latency-count")) lat_count = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::max<size_t>(1, std::stoul(argv[i + 1]));
  }
  const char* root = std::getenv("BITTEN_SOURCE_ROOT");
  auto symbols = SymbolTable::load_file(std::string(root ? root : ".") + "/config/symbols.json");
  if (!symbols) {
    std::fprintf(stderr, "%s\n", symbols.error().message.c_str());
    return 2;
  }
  auto ticks = make_ticks(count);
  {
    // The logic alone, no sockets: the per-message CPU cost of validating and re-encoding.
    bridge::BridgeConfig cfg;
    cfg.clock_check = false;
    cfg.broker_offset_s = 10800;
    runtime::Health h("telemetry_bridge", SystemClock::instance());
    bridge::TelemetryBridge logic(cfg, *symbols, h);
    std::vector<bridge::Outbound> out;
    std::vector<std::string> frame(1);
    const int64_t t0 = now_ns();
    for (const auto& t : ticks) {
      frame[0] = t;
      logic.on_message(frame, 0, out);
      out.clear();
    }
    const double per = static_cast<double>(now_ns() - t0) / static_cast<double>(ticks.size());
    std::printf("bridge logic alone: %.0f ns/tick (%.2f M ticks/s on one core), published %llu\n", per, 1e3 / per,
                static_cast<unsigned long long>(h.get("ticks_out")));
  }
  struct Series {
    std::vector<RunResult> rounds;
    uint64_t drops = 0;
    RunResult summary() const {
      RunResult r;
      std::vector<double> p50, p99;
      for (const auto& x : rounds) {
        if (x.rate > r.rate) {
          r.rate = x.rate;
          r.received = x.received;
        }
        p50.push_back(x.p50_us);
        p99.push_back(x.p99_us);
      }
      std::sort(p50.begin(), p50.end());
      std::sort(p99.begin(), p99.end());
      r.p50_us = p50[p50.size() / 2];
      r.p99_us = p99[p99.size() / 2];
      return r;
    }
  } raw_s, br_s;
  for (size_t k = 0; k < rounds; ++k) {
    RawRelay raw;
    raw_s.rounds.push_back(run(raw, ticks, lat_count, rate, "raw"));
    BridgeRelay br(*symbols);
    br_s.rounds.push_back(run(br, ticks, lat_count, rate, "bridge"));
    br_s.drops += br.health.get("dropped");
    std::printf("round %zu: raw %.0f ticks/s p99 %.1f us, bridge %.0f ticks/s p99 %.1f us (ratio %.2f)\n", k + 1,
                raw_s.rounds.back().rate, raw_s.rounds.back().p99_us, br_s.rounds.back().rate,
                br_s.rounds.back().p99_us, br_s.rounds.back().rate / raw_s.rounds.back().rate);
  }
  const RunResult a = raw_s.summary(), b = br_s.summary();
  size_t lost_a = 0, lost_b = 0;
  for (const auto& x : raw_s.rounds) lost_a += count - x.received;
  for (const auto& x : br_s.rounds) lost_b += count - x.received;
  std::printf("%-26s %14s %10s %12s %12s\n", "relay", "ticks/s", "lost", "p50 us", "p99 us");
  std::printf("%-26s %14.0f %10zu %12.1f %12.1f\n", "raw PULL->PUB (no parse)", a.rate, lost_a, a.p50_us, a.p99_us);
  std::printf("%-26s %14.0f %10zu %12.1f %12.1f\n", "telemetry_bridge", b.rate, lost_b, b.p50_us, b.p99_us);
  std::printf("bridge/raw throughput ratio: %.2f   (best of %zu rounds each; latency at %.0f ticks/s, %zu samples, "
              "median round)\n", b.rate / a.rate, rounds, rate, lat_count);
  std::printf("bridge drops: %llu\n", static_cast<unsigned long long>(br_s.drops));
  return 0;
}

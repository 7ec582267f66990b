// How many simulated EAs and replayed ticks/s one ea_sim process sustains: N EAs replay the shipped
// excerpts as fast as possible into PULL sinks (5556, 5558) and a ROUTER (5555) drained by a second
// thread. Reports quotes/s (replayed market ticks, each seen by every EA), EA-ticks/s (quotes x EAs),
// TICK messages/s actually sent, and would-block drops.
//   bench_ea_sim [source_root] [eas,eas,...] [replay_seconds]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include "bitten/messaging/socket.hpp"
#include "sim_runner.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

int main(int argc, char** argv) {
  const std::string root = argc > 1 ? argv[1] : ".";
  std::vector<int> counts = {1, 10, 100, 500, 1000, 2000};
  if (argc > 2) {
    counts.clear();
    std::stringstream ss(argv[2]);
    for (std::string x; std::getline(ss, x, ',');) counts.push_back(std::stoi(x));
  }
  const int replay_s = argc > 3 ? std::stoi(argv[3]) : 1800;
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);

  auto symbols = SymbolTable::load_file(root + "/config/symbols.json");
  if (!symbols) return std::fprintf(stderr, "%s\n", symbols.error().message.c_str()), 1;
  std::vector<FeedSpec> specs = {
      make_feed("EURUSD", FeedFormat::LeanTicks, root + "/tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"),
      make_feed("XAUUSD", FeedFormat::LeanM1, root + "/tests/data/replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
      make_feed("NZDUSD", FeedFormat::LeanM1, root + "/tests/data/replay/NZDUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv")};
  std::vector<SymbolFeed> feeds;
  for (auto& s : specs) feeds.push_back(*load_feed(s, *symbols->find(s.symbol)));

  std::printf("| EAs | replay s | wall s | x real time | quotes/s | EA-ticks/s (quotes x EAs) | telemetry msgs/s sent | msgs sent | msgs received by sink | would-block |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (int n : counts) {
    messaging::SocketOptions in;
    in.rcvhwm = 1'000'000;
    in.linger_ms = 0;
    messaging::Socket pull(messaging::SocketType::Pull, in), confirm(messaging::SocketType::Pull, in),
        router(messaging::SocketType::Router, in);
    if (!pull.bind("tcp://127.0.0.1:*") || !confirm.bind("tcp://127.0.0.1:*") || !router.bind("tcp://127.0.0.1:*"))
      return std::fprintf(stderr, "bind failed\n"), 1;
    SimConfig c;
    c.telemetry_endpoint = pull.last_endpoint();
    c.command_endpoint = router.last_endpoint();
    c.confirm_endpoint = confirm.last_endpoint();
    c.eas = n;
    c.loop = true;
    c.speed = 0;
    c.seed = 1;
    c.sndhwm = 1000;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> received{0};
    // The sink thread owns the three server sockets from here on.
    std::thread sink([&] {
      while (!stop.load()) {
        bool any = false;
        for (auto* s : {&pull, &confirm, &router})
          for (int k = 0; k < 1000; ++k) {
            auto f = s->recv(true);
            if (!f) break;
            any = true;
            received.fetch_add(1, std::memory_order_relaxed);
          }
        if (!any) std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      for (auto* s : {&pull, &confirm, &router})
        while (s->recv(true)) received.fetch_add(1, std::memory_order_relaxed);
    });
    SimRunner runner(c, *symbols, feeds);
    if (!runner.open(0)) return 1;
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t end = runner.replay_now_ns() + static_cast<int64_t>(replay_s) * kNsPerSecond;
    while (runner.replay_now_ns() < end) runner.advance_to(std::min(end, runner.replay_now_ns() + kNsPerSecond));
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto s = runner.stats();
    // Everything sent must reach the sink (the sockets' linger would drop a backlog at close).
    const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (received.load() < s.sent && std::chrono::steady_clock::now() < drain_deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const double drained = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "%d EAs: all %llu messages at the sink after %.2f s\n", n, static_cast<unsigned long long>(s.sent), drained);
    runner.close();
    // Let the sink drain: stop once nothing arrived for 300 ms (at most 20 s).
    for (int i = 0; i < 66; ++i) {
      const uint64_t before = received.load();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (received.load() == before) break;
    }
    stop = true;
    sink.join();
    std::printf("| %d | %d | %.2f | %.0f | %.0f | %.0f | %.0f | %llu | %llu | %llu |\n", n, replay_s, wall, replay_s / wall,
                s.events / wall, static_cast<double>(s.events) * n / wall, s.sent_telemetry / wall,
                static_cast<unsigned long long>(s.sent + n),
                static_cast<unsigned long long>(received.load()), static_cast<unsigned long long>(s.send_blocked));
    std::fflush(stdout);
  }
  return 0;
}

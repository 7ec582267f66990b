// Queue -> EA command latency through the real command_router loop on ipc:// with a real SQLite
// file (WAL): 100 users, each with a DEALER playing its EA, 1,000 QUEUED fires pushed as CommandMsg
// as fast as possible. Reports p50/p99/max of PUSH -> DEALER receive and the sustained fires/s.
// Usage: bench_execution [fires=1000] [users=100] [burst|paced]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>
#include <unistd.h>

#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "router_loop.hpp"
#include "test_paths.hpp"

using namespace bitten;
using Clock_ = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int fires = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int users = argc > 2 ? std::atoi(argv[2]) : 100;
  // "burst": push all fires at once (throughput; latency = queueing). "paced": one at a time.
  const bool paced = argc > 3 && std::string(argv[3]) == "paced";
  const auto dir = std::filesystem::temp_directory_path() / ("bitten_bench_exec_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string db_path = (dir / "bitten.db").string();
  auto symbols = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  const int64_t now = SystemClock::instance().now_ns();
  std::vector<std::string> fire_ids;
  std::map<std::string, std::string> fire_user;
  {
    auto db = std::move(store::Database::open({db_path})).value();
    db.sql().exec("BEGIN");
    for (int u = 0; u < users; ++u) {
      const std::string uid = "u" + std::to_string(u), ea = "EA_" + std::to_string(u);
      store::UserRecord rec;
      rec.user_id = uid;
      rec.tier = "COMMANDER";
      (void)store::UserRepo(db).create(rec);
      store::EaReport r;
      r.uuid = ea;
      r.currency = "USD";
      r.balance = 10000;
      r.seen_ns = now;
      (void)store::EaRepo(db).upsert(r);
      (void)store::EaRepo(db).bind_user(ea, uid);
    }
    db.sql().exec("COMMIT");
    const int per_user = (fires + users - 1) / users;
    for (int k = 0; k < per_user; ++k) {
      store::SignalRecord s;
      s.signal_id = "S" + std::to_string(k);
      s.symbol = "EURUSD";
      s.direction = "BUY";
      s.entry = 1.1;
      s.sl = 1.098;
      s.tp = 1.104;
      s.detected_ns = now;
      (void)store::SignalRepo(db).insert(s);
    }
    for (int i = 0; i < fires; ++i) {
      const int u = i % users, k = i / users;
      const std::string uid = "u" + std::to_string(u);
      store::MissionRecord m{"M_" + uid + "_" + std::to_string(k), uid, "S" + std::to_string(k), 0.1, now, now + 900 * kNsPerSec};
      (void)store::MissionRepo(db).create(m);
      store::QueueFireRequest q;
      q.fire.fire_id = "F_BENCH_" + std::to_string(i);
      q.fire.user_id = uid;
      q.fire.mission_id = m.mission_id;
      q.fire.signal_id = m.signal_id;
      q.fire.ea_uuid = "EA_" + std::to_string(u);
      q.fire.symbol = "EURUSD";
      q.fire.direction = "BUY";
      q.fire.lot = 0.1;
      q.fire.sl = 1.098;
      q.fire.tp = 1.104;
      q.fire.requested_ns = now;
      q.max_slots = 100000;
      q.forbid_opposite = false;
      q.now_ns = now;
      auto r = store::FireRepo(db).take_slot_and_queue_fire(q);
      if (!r || r->outcome != store::QueueOutcome::Queued) {
        std::fprintf(stderr, "setup failed at fire %d\n", i);
        return 1;
      }
      fire_ids.push_back(q.fire.fire_id);
      fire_user[q.fire.fire_id] = uid;
    }
  }

  const std::string base = "ipc://" + (dir / "q").string();
  execution::RouterConfig cfg;
  cfg.queue_pull = base + "-queue";
  cfg.router_bind = base + "-router";
  std::atomic<bool> stop{false}, ready{false};
  std::thread router([&] {
    auto db = std::move(store::Database::open({db_path})).value();
    runtime::Health h("command_router", SystemClock::instance());
    execution::RouterOptions o;
    (void)execution::run_router_loop(cfg, o, {db, symbols, h, SystemClock::instance(), {}}, [&] { return stop.load(); },
                                     [&] { ready = true; });
  });
  while (!ready) std::this_thread::yield();

  std::vector<std::unique_ptr<messaging::Socket>> dealers;
  for (int u = 0; u < users; ++u) {
    messaging::SocketOptions o;
    o.identity = "EA_" + std::to_string(u);
    o.linger_ms = 0;
    dealers.push_back(std::make_unique<messaging::Socket>(messaging::SocketType::Dealer, o));
    (void)dealers.back()->connect(cfg.router_bind);
    ea::Hello h;
    h.target_uuid = o.identity;
    h.node_id = "NODE_" + o.identity;
    h.currency = "USD";
    h.balance = 10000;
    h.version = "2.05";
    h.timestamp = "2025.09.15 19:41:16";
    (void)dealers.back()->send_one(ea::ea_encode_hello(h));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // HELLOs registered (bench only)

  std::vector<Clock_::time_point> sent(fires), got(fires);
  std::map<std::string, int> index;
  for (int i = 0; i < fires; ++i) index[fire_ids[i]] = i;
  std::atomic<int> received{0};
  std::atomic<bool> recv_stop{false};
  std::thread receiver([&] {
    messaging::PollLoop loop;
    for (auto& d : dealers)
      loop.add(*d, [&](messaging::Frames& f) {
        auto it = index.find(ea::ea_extract_json_value(f.back(), "fire_id"));
        if (it != index.end()) {
          got[it->second] = Clock_::now();
          ++received;
        }
      });
    loop.run([&] { return recv_stop.load() || received.load() >= fires; }, 1);
  });

  messaging::SocketOptions po;
  po.sndhwm = 100'000;
  messaging::Socket push(messaging::SocketType::Push, po);
  (void)push.connect(cfg.queue_pull);
  schema::EnvelopeWriter w("bench");
  const auto t0 = Clock_::now();
  for (int i = 0; i < fires; ++i) {
    schema::CommandMsg m;
    m.command_id = fire_ids[i];
    m.kind = "fire";
    m.target_uuid = "EA_" + std::to_string(i % users);
    m.user_id = fire_user[fire_ids[i]];
    m.symbol = "EURUSD";
    m.direction = "BUY";
    m.sl = 1.098;
    m.tp = 1.104;
    m.lot = 0.1;
    m.requested_ns = now;
    std::string payload = w.encode("command", now, schema::to_json(m));
    sent[i] = Clock_::now();
    (void)push.send_topic("cmd." + m.target_uuid, payload);
    if (paced)
      while (received.load() < i + 1 && Clock_::now() - sent[i] < std::chrono::seconds(5)) std::this_thread::yield();
  }
  const auto deadline = Clock_::now() + std::chrono::seconds(60);
  while (received.load() < fires && Clock_::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  recv_stop = true;
  receiver.join();
  stop = true;
  router.join();

  std::vector<double> lat_us;
  Clock_::time_point last = t0;
  for (int i = 0; i < fires; ++i) {
    if (got[i] == Clock_::time_point{}) continue;
    lat_us.push_back(std::chrono::duration<double, std::micro>(got[i] - sent[i]).count());
    last = std::max(last, got[i]);
  }
  std::sort(lat_us.begin(), lat_us.end());
  auto pct = [&](double p) { return lat_us.empty() ? 0.0 : lat_us[std::min(lat_us.size() - 1, size_t(p * lat_us.size()))]; };
  const double secs = std::chrono::duration<double>(last - t0).count();
  std::printf("%s: fires %d users %d received %zu\n", paced ? "paced" : "burst", fires, users, lat_us.size());
  std::printf("queue->EA latency: p50 %.0f us  p99 %.0f us  max %.0f us\n", pct(0.5), pct(0.99),
              lat_us.empty() ? 0.0 : lat_us.back());
  std::printf("sustained: %.0f fires/s (%d fires in %.3f s)\n", secs > 0 ? lat_us.size() / secs : 0.0, fires, secs);
  std::filesystem::remove_all(dir);
  return lat_us.size() == size_t(fires) ? 0 : 1;
}

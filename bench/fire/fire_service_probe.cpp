// bench_fire_service: what the webapp's part of a fire costs in SQLite alone, one process, no
// sockets. On a database `bench_fire seed` wrote, each request does what POST /api/fire does before
// the command leaves: token check, user, mission, FireService::fire (the risk snapshot, the rules,
// the insert, the commit). --foreign 1 first commits, on a second connection, what the router and
// confirm_listener commit between two fires (the previous fire SENT, then FILLED), so each request
// starts with the page cache every other process's commit empties, as in the fleet.
//
//   bench_fire_service --db FILE --dir DIR --root SOURCE_ROOT [--fires 1000] [--foreign 0|1]
// (SOURCE_ROOT: where config/risk.json and config/symbols.json are; slots and trades per day are
// raised to the fire count, as run_fire_bench.py does, since the rules are not what is measured)
// Prints `request p50_us=..` (token to commit) and `fire p50_us=..` (FireService::fire alone).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bitten/core/clock.hpp"
#include "bitten/core/ids.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/risk/fire_service.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/checkpointer.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/user_repo.hpp"

using namespace bitten;

namespace {

int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void report(const char* name, std::vector<int64_t> v) {
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  auto p = [&](double q) { return static_cast<double>(v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]) / 1e3; };
  std::printf("%s p50_us=%.1f p90_us=%.1f p99_us=%.1f n=%zu\n", name, p(0.5), p(0.9), p(0.99), v.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[std::string(argv[i]).substr(2)] = argv[i + 1];
  if (!a.count("db") || !a.count("dir") || !a.count("root")) {
    std::fprintf(stderr, "usage: bench_fire_service --db FILE --dir DIR --root SOURCE_ROOT [--fires N] [--foreign 0|1]\n");
    return 2;
  }
  const int fires = a.count("fires") ? std::stoi(a["fires"]) : 1000;
  const bool foreign = a.count("foreign") && a["foreign"] == "1";
  auto symbols = SymbolTable::load_file(a["root"] + "/config/symbols.json");
  auto risk = risk::load_risk_config(a["root"] + "/config/risk.json");
  if (!symbols || !risk) {
    std::fprintf(stderr, "config: %s\n", !symbols ? symbols.error().message.c_str() : risk.error().message.c_str());
    return 2;
  }
  for (auto& [name, t] : risk->tiers) t.slots = t.max_trades_per_day = fires + 10;
  std::vector<std::string> tokens;
  {
    std::ifstream in(a["dir"] + "/tokens.txt");
    for (std::string u, t; in >> u >> t;)
      if (u.rfind("bench_u", 0) == 0) tokens.push_back(t);
  }
  if (tokens.empty()) return std::fprintf(stderr, "no tokens in %s/tokens.txt\n", a["dir"].c_str()), 2;
  // As the fire-path daemons open it: no checkpoint from a commit, a Checkpointer thread every 250 ms.
  auto store = store::open_fire_path_store(a["db"], [](const Error& e) { std::fprintf(stderr, "checkpoint: %s\n", e.message.c_str()); });
  store::DatabaseOptions o{a["db"]};
  o.wal_autocheckpoint_pages = 0;
  auto other = store::Database::open(o);
  if (!store || !other) return std::fprintf(stderr, "open %s failed\n", a["db"].c_str()), 2;
  store::Database* db = &store->db;
  IdGenerator ids;
  risk::FireService service(*db, *risk, *symbols, ids);
  const auto& clock = SystemClock::instance();
  risk::QuoteSource quotes = [&](std::string_view) {
    return std::optional<risk::Quote>(risk::Quote{1.10000, 1.10008, clock.now_ns(), clock.now_ns()});
  };
  const int users = static_cast<int>(tokens.size());
  for (int u = 0; u < users; ++u) {  // each user's EA reports, as its HELLO does in the fleet
    char uuid[32];
    std::snprintf(uuid, sizeof uuid, "BENCH_EA_%03d", u);
    store::EaReport r;
    r.uuid = uuid;
    r.currency = "USD";
    r.balance = r.equity = r.free_margin = 10'000;
    r.leverage = 500;
    r.seen_ns = clock.now_ns();
    if (!store::EaRepo(*db).upsert(r)) return std::fprintf(stderr, "EA %s: upsert failed\n", uuid), 1;
  }
  std::vector<int64_t> req_ns, fire_ns;
  std::string previous;
  int64_t ticket = 90'000'000;
  for (int i = 0; i < fires; ++i) {
    const int u = i % users, k = i / users;
    if (foreign && !previous.empty()) {  // the router's SENT and confirm_listener's FILLED of the last fire
      store::FireRepo f(*other);
      (void)f.mark_sent(previous, clock.now_ns());
      (void)f.mark_filled(previous, ++ticket, 1.10008, clock.now_ns());
    }
    const int64_t now = clock.now_ns();
    const int64_t t0 = mono_ns();
    auto tok = store::AuthRepo(*db).verify_api_token(tokens[static_cast<size_t>(u)], now, 60'000'000'000LL);
    if (!tok || !*tok) return std::fprintf(stderr, "token %d refused\n", u), 1;
    auto user = store::UserRepo(*db).get((*tok)->user_id);
    auto mission = store::MissionRepo(*db).get("bench-m-" + std::to_string(u) + "-" + std::to_string(k));
    if (!user || !*user || !mission || !*mission) return std::fprintf(stderr, "user or mission %d/%d missing\n", u, k), 1;
    const int64_t t1 = mono_ns();
    risk::FireRequest rq{(*tok)->user_id, (*mission)->mission_id, risk::FireMode::Manual,
                         "probe-" + std::to_string(u) + "-" + std::to_string(k), now};
    auto out = service.fire(rq, quotes);
    const int64_t t2 = mono_ns();
    if (!out || out->state != store::FireState::QUEUED)
      return std::fprintf(stderr, "fire %d/%d: %s\n", u, k, out ? out->reason.c_str() : out.error().message.c_str()), 1;
    previous = out->fire_id;
    req_ns.push_back(t2 - t0);
    fire_ns.push_back(t2 - t1);
  }
  std::printf("foreign commits between fires: %s\n", foreign ? "yes" : "no");
  report("request", req_ns);
  report("fire", fire_ns);
  return 0;
}

// ea_sim: real prices replayed as production v2.05 EAs (PUSH 5556, DEALER 5555, PUSH 5558), each
// with its own simulated broker account. See docs/ea_sim.md.
#include <sys/resource.h>

#include <cstring>
#include <iostream>

#include "bitten/core/symbols.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "sim_config.hpp"
#include "sim_runner.hpp"

using namespace bitten;

namespace {
// Three sockets per EA plus zmq's own descriptors: raise the soft limit to the hard one.
void raise_fd_limit(size_t eas, const std::shared_ptr<spdlog::logger>& log) {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  const rlim_t want = static_cast<rlim_t>(eas * 4 + 256);
  if (r.rlim_cur < want && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = std::min(r.rlim_max, std::max(want, r.rlim_cur));
    setrlimit(RLIMIT_NOFILE, &r);
  }
  getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < want) log->warn("RLIMIT_NOFILE is {} but {} EAs want about {}: raise the hard limit", r.rlim_cur, eas, want);
}
}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::cout << ea_sim::command_line_help();
      return 0;
    }
  return runtime::run_daemon(argc, argv, "ea_sim", [argc, argv](runtime::DaemonEnv& env) -> Status {
    auto cfg = ea_sim::SimConfig::read(env.config);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    if (auto st = env.finish_config(); !st) return st;
    if (auto st = ea_sim::apply_command_line(*cfg, argc, argv); !st) return st;

    std::vector<ea_sim::SymbolFeed> feeds;
    for (const auto& spec : cfg->feeds) {
      const SymbolSpec* s = symbols->find(spec.symbol);
      if (!s) return make_error("bad_config", "feed symbol " + spec.symbol + " is not in " + env.symbols_path);
      auto feed = ea_sim::load_feed(spec, *s, cfg->data_dir);
      if (!feed) return make_error("bad_config", feed.error().message);
      env.log->info("feed {}: {} quotes{} from {}", spec.symbol, feed->quotes.size(),
                    feed->synthetic ? " (synthesised from " + std::to_string(feed->bars.size()) + " bars)" : "", spec.path);
      feeds.push_back(std::move(*feed));
    }
    raise_fd_limit(static_cast<size_t>(cfg->eas + cfg->duplicate_uuid), env.log);

    ea_sim::SimRunner runner(*cfg, *symbols, std::move(feeds), env.log);
    if (auto st = runner.open(env.clock.now_ns()); !st) return st;
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    int64_t last_health = 0;
    auto publish = [&](const ea_sim::RunnerStats& s) {
      env.health.gauge("eas", static_cast<double>(runner.ea_count()));
      env.health.gauge("replay_time_s", static_cast<double>(runner.replay_now_ns() / 1'000'000'000));
      env.health.counter("quotes_replayed") = s.events;
      env.health.counter("messages_sent") = s.sent;
      env.health.counter("send_would_block") = s.send_blocked;
      env.health.counter("warmup_quotes") = s.warmup_events;
      env.health.counter("warmup_send_waits") = s.send_waits;
      env.health.gauge("warming_up", runner.warming() ? 1 : 0);
      env.health.counter("commands_received") = s.commands;
      env.health.counter("disconnects_injected") = s.disconnects;
      const int64_t now = env.clock.mono_ns();
      if (now - last_health >= env.health_interval_ms * 1'000'000) {
        last_health = now;
        // Orders executed per fire_id, across every simulated terminal: the fault tests' proof that
        // no fire was ever executed twice.
        uint64_t executed = 0, twice = 0;
        for (size_t i = 0; i < runner.ea_count(); ++i)
          for (const auto& [fire_id, n] : runner.ea(i).counters().fires_executed) {
            executed += n;
            twice += n > 1 ? 1 : 0;
          }
        env.health.counter("fires_executed") = executed;
        env.health.counter("fires_executed_twice") = twice;
        events.publish_health(env.health, env.health_interval_ms);
      }
    };
    cfg->stats_interval_s = std::max<int64_t>(1, cfg->stats_interval_s);
    // Health at the daemon's heartbeat interval (the stats log line keeps its own, slower, period).
    return ea_sim::run_sim(runner, *cfg, env.clock, runtime::stop_requested, env.log, publish, env.health_interval_ms);
  });
}

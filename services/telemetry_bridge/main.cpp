// telemetry_bridge: PULL 5556 (everything EAs push) -> validate, normalise to UTC, coalesce ->
// PUB 5560 as tick.<SYMBOL>, bar.M1.<SYMBOL> and ea.<kind>. Every drop is counted by reason.
#include "bitten/core/symbols.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "bridge_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "telemetry_bridge", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = bridge::BridgeConfig::read(env.config);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    if (auto st = env.finish_config(); !st) return st;
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("ingesting {} -> publishing {}", cfg->pull_bind, cfg->pub_bind);
    return bridge::run_bridge_loop(*cfg, *symbols, env.health, env.clock, runtime::stop_requested, &events,
                                   env.health_interval_ms);
  });
}

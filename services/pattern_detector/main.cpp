// pattern_detector: technical patterns (VCB Breakout, Momentum Burst, BB Scalp).
// SUB 5560 (tick. and bar. topics from telemetry_bridge) -> DetectorEngine on event time ->
// PUSH candidate signals to ml_filter on 5559. The logic lives in libs/detector and libs/patterns.
#include <filesystem>

#include "bitten/core/symbols.hpp"
#include "bitten/detector/detector_loop.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "pattern_detector", [](runtime::DaemonEnv& env) -> Status {
    const auto config_dir = std::filesystem::path(env.config_path).parent_path().string();
    auto cfg = detector::read_detector_config(env.config, env.name, config_dir);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    if (auto st = env.finish_config(); !st) return st;
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("{} patterns on {} from {} -> {} (patterns {})", cfg.engine.patterns.size(),
                  market::timeframe_name(cfg.engine.timeframe), cfg.market_sub, cfg.candidates_push,
                  cfg.pattern_config);
    return detector::run_detector_loop(cfg, *symbols, env.health, env.clock, runtime::stop_requested, &events,
                                       env.health_interval_ms);
  });
}

// outcome_tracker: SUB 5560 ticks + SUB 5557 scored signals -> grade every scored signal and every
// filled fire with libs/grading -> outcomes, ml_training, inferred fire closes (SQLite) and
// outcome.<SYMBOL> / fire.<user> events on the bus. docs/learning_loop.md.
#include <filesystem>

#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "tracker_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "outcome_tracker", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = outcomes::TrackerConfig::read(env.config, env.state_dir);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    if (auto st = env.finish_config(); !st) return st;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cfg->db_path).parent_path(), ec);
    auto db = store::Database::open({cfg->db_path});
    if (!db) return make_error("store", cfg->db_path + ": " + db.error().message);
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("grading signals from {} on ticks from {} (horizon {} min) -> {}", cfg->signals_sub,
                  cfg->market_sub, cfg->horizon_min, cfg->db_path);
    return outcomes::run_tracker_loop(*cfg, *symbols, *db, env.health, env.clock, runtime::stop_requested, &events,
                                      env.health_interval_ms);
  });
}

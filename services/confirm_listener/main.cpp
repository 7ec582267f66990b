// confirm_listener: PULL 5558. EA confirmations -> FILLED / FAILED, close confirmations -> CLOSED,
// pongs -> latency events, and the sweep that turns unanswered fires into TIMEOUT. Every
// transition is a row update plus a fire.<user> event. Logic: libs/execution (ConfirmListener).
#include <filesystem>

#include "bitten/execution/exec_config.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/store/checkpointer.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "listener_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "confirm_listener", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = execution::ListenerConfig::read(env.config);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    if (auto st = env.finish_config(); !st) return st;

    const std::string db_path = execution::resolve_db_path(cfg->db_path, env.state_dir);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(db_path).parent_path(), ec);
    // On the fire path: no commit of ours runs a checkpoint; the store's Checkpointer thread does them.
    auto opened = store::open_fire_path_store(db_path, [log = env.log](const Error& e) { log->warn("wal checkpoint: {}", e.message); });
    if (!opened) return make_error("store", db_path + ": " + opened.error().message);
    store::Database& db = opened->db;

    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("confirmations {} (db {}, confirm timeout {} s)", cfg->confirm_pull, db_path, cfg->confirm_timeout_s);
    auto sink = [&](const execution::Event& e) {
      if (e.type == execution::kAlertType) env.log->warn("alert {}: {}", e.topic, e.data.dump());
      events.publish(e.topic, e.type, e.data);
    };
    return execution::run_listener_loop(*cfg, {db, *symbols, env.health, env.clock, sink, &events, env.health_interval_ms},
                                        runtime::stop_requested);
  });
}

// command_router: PULL the IPC command queue, ROUTER 5555 to the EAs (identity = user UUID,
// ROUTER_MANDATORY). Keeps the EA registry, blocks duplicate identities, sends each fire at most
// once and reports every command it cannot deliver. Logic: libs/execution (CommandRouter).
#include <filesystem>

#include "bitten/execution/exec_config.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/store/checkpointer.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "router_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "command_router", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = execution::RouterConfig::read(env.config);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    auto risk = risk::load_risk_config(execution::resolve_risk_path(cfg->risk_config, env.symbols_path));
    if (!risk) env.config.fail("risk_config", risk.error().message);
    if (auto st = env.finish_config(); !st) return st;

    const std::string db_path = execution::resolve_db_path(cfg->db_path, env.state_dir);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(db_path).parent_path(), ec);
    // On the fire path: no commit of ours runs a checkpoint; the store's Checkpointer thread does them.
    auto opened = store::open_fire_path_store(db_path, [log = env.log](const Error& e) { log->warn("wal checkpoint: {}", e.message); });
    if (!opened) return make_error("store", db_path + ": " + opened.error().message);
    store::Database& db = opened->db;

    execution::RouterOptions opt;
    opt.ea_ttl_ns = risk->ea_ttl_s * kNsPerSec;
    opt.upsert_interval_ns = cfg->ea_upsert_interval_ms * kNsPerMs;
    opt.max_message_bytes = static_cast<size_t>(cfg->max_message_bytes);
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("queue {} -> ROUTER {} (db {}, EA TTL {} s)", cfg->queue_pull, cfg->router_bind, db_path, risk->ea_ttl_s);
    auto sink = [&](const execution::Event& e) {
      if (e.type == execution::kAlertType) env.log->warn("alert {}: {}", e.topic, e.data.dump());
      events.publish(e.topic, e.type, e.data);
    };
    return execution::run_router_loop(*cfg, opt,
                                      {db, *symbols, env.health, env.clock, sink, &events, env.health_interval_ms},
                                      runtime::stop_requested);
  });
}

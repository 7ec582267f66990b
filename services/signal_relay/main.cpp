// signal_relay: SUB 5557. Stores every scored signal once, offers each accepted one as a mission to
// every eligible user (event bus + Telegram), and auto-fires for AUTO-mode users through the same
// FireService and the same command queue as a manual fire. Logic: libs/execution (SignalRelay).
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "bitten/execution/exec_config.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "relay_loop.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "signal_relay", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = execution::RelayConfig::read(env.config);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) env.config.fail("symbols", symbols.error().message);
    auto risk = risk::load_risk_config(execution::resolve_risk_path(cfg->risk_config, env.symbols_path));
    if (!risk) env.config.fail("risk_config", risk.error().message);
    std::string token;
    if (cfg->telegram_enabled) {
      const char* t = std::getenv(cfg->telegram_token_env.c_str());
      if (!t || !*t) env.config.fail("telegram.token_env", "environment variable " + cfg->telegram_token_env + " is not set");
      else token = t;
    }
    if (auto st = env.finish_config(); !st) return st;

    const std::string db_path = execution::resolve_db_path(cfg->db_path, env.state_dir);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(db_path).parent_path(), ec);
    auto db = store::Database::open({db_path});
    if (!db) return make_error("store", db_path + ": " + db.error().message);

    std::unique_ptr<execution::TelegramNotifier> telegram;
    if (cfg->telegram_enabled) {
      execution::TelegramOptions t;
      t.base_url = cfg->telegram_base_url;
      t.token = token;
      t.max_attempts = cfg->telegram_max_attempts;
      t.backoff_initial_ms = cfg->telegram_backoff_initial_ms;
      t.backoff_max_ms = cfg->telegram_backoff_max_ms;
      t.timeout_ms = cfg->telegram_timeout_ms;
      t.max_queue = static_cast<size_t>(cfg->telegram_max_queue);
      telegram = std::make_unique<execution::TelegramNotifier>(t);
      if (auto st = telegram->start(); !st) return make_error("bad_config", "telegram: " + st.error().message);
    }
    IdGenerator ids;
    runtime::EventPublisher events(env.name, env.event_bus_endpoint, env.clock);
    env.log->info("signals {} -> missions (db {}), auto-fire {} -> {}, telegram {}", cfg->signals_sub, db_path,
                  cfg->auto_fire ? "on" : "off", cfg->command_push, telegram ? "on" : "off");
    auto sink = [&](const execution::Event& e) { events.publish(e.topic, e.type, e.data); };
    auto st = execution::run_relay_loop(
        *cfg, {*db, *risk, *symbols, ids, env.health, env.clock, sink, telegram.get(), &events, env.health_interval_ms},
        runtime::stop_requested);
    if (telegram) telegram->stop();
    return st;
  });
}

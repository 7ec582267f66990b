// webapp: the trader dashboard (8888), Commander Throne (8899), tracking (8890) and confidence (8891)
// over HTTP/WebSocket; SUB 5557 + 5570 + 5560, PUSH to the command queue.
// Threads: the HTTP thread (Beast io_context, the App, the SQLite connection, and the PUSH of EA
// commands in CommandQueue) and this thread (every other ZeroMQ socket, in BusBridge). They meet
// only through HttpServer::post and the bridge's queue.
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>

#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"
#include "bitten/store/checkpointer.hpp"
#include "bitten/store/database.hpp"
#include "app.hpp"
#include "bus_bridge.hpp"
#include "command_queue.hpp"
#include "http_server.hpp"
#include "webapp_config.hpp"

using namespace bitten;
using namespace bitten::webapp;

namespace {

void raise_nofile(int wanted, spdlog::logger& log) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t target = std::min<rlim_t>(static_cast<rlim_t>(wanted), rl.rlim_max);
  if (rl.rlim_cur < target) {
    rl.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) log.warn("could not raise RLIMIT_NOFILE to {}", static_cast<long>(target));
  }
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "webapp", [](runtime::DaemonEnv& env) -> Status {
    auto cfg = WebConfig::read(env.config);
    if (auto st = env.finish_config(); !st) return st;
    raise_nofile(cfg->nofile_limit, *env.log);

    const char* token = std::getenv(cfg->bot_token_env.c_str());
    const std::string bot_token = token ? token : "";
    if (bot_token.empty()) env.log->warn("{} is not set: Telegram sign-in is refused (API tokens still work)", cfg->bot_token_env);

    namespace fs = std::filesystem;
    const std::string risk_path = !cfg->risk_config.empty()
                                      ? cfg->risk_config
                                      : (fs::path(env.config_path).parent_path() / "risk.json").string();
    auto risk_cfg = risk::load_risk_config(risk_path);
    if (!risk_cfg) return make_error("bad_config", risk_path + ": " + risk_cfg.error().message);
    auto symbols = SymbolTable::load_file(env.symbols_path);
    if (!symbols) return make_error("bad_config", env.symbols_path + ": " + symbols.error().message);
    const std::string db_path = !cfg->db_path.empty() ? cfg->db_path : env.state_dir + "/bitten.db";
    std::error_code ec;
    fs::create_directories(fs::path(db_path).parent_path(), ec);
    // On the fire path: no commit of ours runs a checkpoint; the store's Checkpointer thread does them.
    auto opened = store::open_fire_path_store(db_path, [log = env.log](const Error& e) { log->warn("wal checkpoint: {}", e.message); });
    if (!opened) return make_error("store", db_path + ": " + opened.error().message);
    store::Database& db = opened->db;

    HttpServer* server_ptr = nullptr;
    App* app_ptr = nullptr;
    BusBridge bridge(
        *cfg, env.event_bus_endpoint, env.clock, env.health, env.health_interval_ms,
        [&](std::string topic, std::string payload) {
          server_ptr->post([&app_ptr, t = std::move(topic), p = std::move(payload)] { app_ptr->on_bus_message(t, p); });
        });

    CommandQueue commands(bridge);  // used by the HTTP thread only, from its start on
    if (auto st = commands.connect(cfg->command_push); !st)
      return make_error("bad_config", cfg->command_push + ": " + st.error().message);
    App app(AppDeps{*cfg, db, *risk_cfg, *symbols, env.clock, commands, bot_token});
    app_ptr = &app;
    HttpServer server(app, ServerOptions{cfg->max_body_bytes, 16 * 1024, cfg->read_timeout_s, cfg->ws_max_queue, 4096});
    server_ptr = &server;
    for (auto [surface, where] : {std::pair{Surface::Trader, cfg->trader}, std::pair{Surface::Throne, cfg->throne},
                                  std::pair{Surface::Tracking, cfg->tracking}, std::pair{Surface::Confidence, cfg->confidence}}) {
      if (auto st = server.listen(surface, where); !st) return make_error("bind_failed", st.error().message);
      env.log->info("{} on http://{}:{}", to_string(surface), where.host, server.port(surface));
    }
    server.every(std::chrono::seconds(1), [&app] { app.on_timer(); });
    server.start();
    auto st = bridge.run(runtime::stop_requested);
    server.stop();
    return st;
  });
}

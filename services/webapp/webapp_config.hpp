#pragma once
// config/webapp.json, read strictly (unknown keys are errors, every problem reported at once).
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::webapp {

struct Listen {
  std::string host;  // "0.0.0.0", "127.0.0.1"
  uint16_t port = 0;
};
// "tcp://HOST:PORT" (the fleet's config rewriting moves these ports like every other endpoint).
Result<Listen> parse_listen(const std::string& endpoint);

struct RateConfig {
  double per_second = 1;
  double burst = 5;
};

struct WebConfig {
  // ZeroMQ side
  std::string signals_sub = "tcp://127.0.0.1:5557";
  std::string events_sub = "tcp://127.0.0.1:5570";
  std::string market_sub = "tcp://127.0.0.1:5560";
  std::string command_push = "ipc:///tmp/bitten_cmdqueue";
  // HTTP side
  Listen trader{"0.0.0.0", 8888}, throne{"0.0.0.0", 8899}, tracking{"0.0.0.0", 8890}, confidence{"0.0.0.0", 8891};
  std::string web_root = "web";
  std::string charts_js = "node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js";
  std::string db_path;      // empty: <state_dir>/bitten.db
  std::string risk_config;  // empty: risk.json beside this config file
  size_t max_body_bytes = 64 * 1024;
  int read_timeout_s = 30;
  size_t ws_max_queue = 256;  // messages queued per WebSocket client before it is dropped from
  int nofile_limit = 65536;   // RLIMIT_NOFILE raised to this (or the hard limit) at start

  // Auth
  std::string bot_token_env = "BITTEN_TELEGRAM_BOT_TOKEN";
  std::string bot_username;  // for the Login Widget on the sign-in page
  int64_t auth_max_age_s = 600;
  int64_t session_ttl_s = 12 * 3600;
  bool cookie_secure = false;  // set true behind TLS
  std::string auto_register_tier = "PRESS";  // unknown Telegram users join read-only; "" refuses them
  RateConfig login_rate{0.2, 5};
  RateConfig fire_rate{1, 5};
  // Live data
  std::vector<std::string> expected_daemons = {"event_bus", "telemetry_bridge", "ml_filter", "command_router",
                                               "confirm_listener", "elite_guard", "pattern_detector",
                                               "signal_relay", "outcome_tracker"};
  size_t bars_keep = 500;
  size_t recent_signals_keep = 200;

  static Result<WebConfig> read(runtime::ConfigReader& cfg);
};

}  // namespace bitten::webapp

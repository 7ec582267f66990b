#pragma once
// The three execution daemons' own config keys (strict: read through ConfigReader, unknown keys
// are errors). Defaults are the documented ports. See docs/execution.md §Configuration.
#include <cstdint>
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::execution {

// db_path "" -> <state_dir>/bitten.db (the same file the webapp opens); a relative path is taken
// from the parent of state_dir (so "var/bitten.db" with the default state_dir "var" is the same
// file); an absolute path is used as is.
std::string resolve_db_path(const std::string& db_path, const std::string& state_dir);
// risk_config "" -> risk.json beside symbols.json (the config folder).
std::string resolve_risk_path(const std::string& risk_config, const std::string& symbols_path);

struct RouterConfig {
  std::string queue_pull = "ipc:///tmp/bitten_cmdqueue";
  std::string router_bind = "tcp://*:5555";
  std::string db_path;
  std::string risk_config;
  int64_t ea_upsert_interval_ms = 1000;
  int64_t max_message_bytes = 64 * 1024;
  int queue_rcvhwm = 10'000;
  int router_sndhwm = 1'000;  // per EA
  static Result<RouterConfig> read(runtime::ConfigReader& cfg);
};

struct ListenerConfig {
  std::string confirm_pull = "tcp://*:5558";
  std::string market_sub = "tcp://127.0.0.1:5560";  // "" = no quotes (close prices stay unknown)
  std::string db_path;
  int64_t confirm_timeout_s = 60;
  int64_t queued_timeout_s = 30;
  int64_t sweep_interval_ms = 1000;
  int64_t quote_max_age_s = 30;
  int64_t max_message_bytes = 64 * 1024;
  int pull_rcvhwm = 100'000;
  static Result<ListenerConfig> read(runtime::ConfigReader& cfg);
};

struct RelayConfig {
  std::string signals_sub = "tcp://127.0.0.1:5557";
  std::string market_sub = "tcp://127.0.0.1:5560";
  std::string command_push = "ipc:///tmp/bitten_cmdqueue";
  std::string db_path;
  std::string risk_config;
  bool auto_fire = true;
  std::string mission_url_template = "http://127.0.0.1:8888/mission/{mission_id}";
  bool telegram_enabled = false;
  std::string telegram_base_url = "http://127.0.0.1:8443";
  std::string telegram_token_env = "BITTEN_TELEGRAM_BOT_TOKEN";
  int telegram_max_attempts = 5;
  int64_t telegram_backoff_initial_ms = 500;
  int64_t telegram_backoff_max_ms = 30'000;
  int64_t telegram_timeout_ms = 5'000;
  int64_t telegram_max_queue = 10'000;
  static Result<RelayConfig> read(runtime::ConfigReader& cfg);
};

}  // namespace bitten::execution

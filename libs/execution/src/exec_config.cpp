#include "bitten/execution/exec_config.hpp"

#include <filesystem>

namespace bitten::execution {

namespace fs = std::filesystem;

std::string resolve_db_path(const std::string& db_path, const std::string& state_dir) {
  if (db_path.empty()) return (fs::path(state_dir) / "bitten.db").string();
  fs::path p(db_path);
  if (p.is_absolute()) return p.string();
  fs::path parent = fs::path(state_dir).lexically_normal().parent_path();
  return (parent / p).string();
}

std::string resolve_risk_path(const std::string& risk_config, const std::string& symbols_path) {
  if (!risk_config.empty()) return risk_config;
  return (fs::path(symbols_path).parent_path() / "risk.json").string();
}

Result<RouterConfig> RouterConfig::read(runtime::ConfigReader& cfg) {
  RouterConfig c;
  c.queue_pull = cfg.get<std::string>("queue_pull", c.queue_pull);
  c.router_bind = cfg.get<std::string>("router_bind", c.router_bind);
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.risk_config = cfg.get<std::string>("risk_config", c.risk_config);
  c.ea_upsert_interval_ms = cfg.get<int64_t>("ea_upsert_interval_ms", c.ea_upsert_interval_ms);
  c.max_message_bytes = cfg.get<int64_t>("max_message_bytes", c.max_message_bytes);
  c.queue_rcvhwm = cfg.get<int>("queue_rcvhwm", c.queue_rcvhwm);
  c.router_sndhwm = cfg.get<int>("router_sndhwm", c.router_sndhwm);
  if (c.ea_upsert_interval_ms < 0 || c.ea_upsert_interval_ms > 30'000)
    cfg.fail("ea_upsert_interval_ms", "must be between 0 and 30000 (below the 30 s heartbeat)");
  if (c.max_message_bytes < 1024) cfg.fail("max_message_bytes", "must be at least 1024");
  if (c.queue_rcvhwm <= 0 || c.router_sndhwm <= 0) cfg.fail("queue_rcvhwm", "high-water marks must be positive");
  return c;
}

Result<ListenerConfig> ListenerConfig::read(runtime::ConfigReader& cfg) {
  ListenerConfig c;
  c.confirm_pull = cfg.get<std::string>("confirm_pull", c.confirm_pull);
  c.market_sub = cfg.get<std::string>("market_sub", c.market_sub);
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.confirm_timeout_s = cfg.get<int64_t>("confirm_timeout_s", c.confirm_timeout_s);
  c.queued_timeout_s = cfg.get<int64_t>("queued_timeout_s", c.queued_timeout_s);
  c.sweep_interval_ms = cfg.get<int64_t>("sweep_interval_ms", c.sweep_interval_ms);
  c.quote_max_age_s = cfg.get<int64_t>("quote_max_age_s", c.quote_max_age_s);
  c.max_message_bytes = cfg.get<int64_t>("max_message_bytes", c.max_message_bytes);
  c.pull_rcvhwm = cfg.get<int>("pull_rcvhwm", c.pull_rcvhwm);
  if (c.confirm_timeout_s <= 0) cfg.fail("confirm_timeout_s", "must be positive");
  if (c.queued_timeout_s <= 0) cfg.fail("queued_timeout_s", "must be positive");
  if (c.sweep_interval_ms < 10 || c.sweep_interval_ms > 60'000) cfg.fail("sweep_interval_ms", "must be 10..60000");
  if (c.max_message_bytes < 1024) cfg.fail("max_message_bytes", "must be at least 1024");
  if (c.pull_rcvhwm <= 0) cfg.fail("pull_rcvhwm", "must be positive");
  return c;
}

Result<RelayConfig> RelayConfig::read(runtime::ConfigReader& cfg) {
  RelayConfig c;
  c.signals_sub = cfg.get<std::string>("signals_sub", c.signals_sub);
  c.market_sub = cfg.get<std::string>("market_sub", c.market_sub);
  c.command_push = cfg.get<std::string>("command_push", c.command_push);
  c.db_path = cfg.get<std::string>("db_path", c.db_path);
  c.risk_config = cfg.get<std::string>("risk_config", c.risk_config);
  c.auto_fire = cfg.get<bool>("auto_fire", c.auto_fire);
  c.mission_url_template = cfg.get<std::string>("mission_url_template", c.mission_url_template);
  auto tg = cfg.section("telegram");
  c.telegram_enabled = tg.get<bool>("enabled", c.telegram_enabled);
  c.telegram_base_url = tg.get<std::string>("base_url", c.telegram_base_url);
  c.telegram_token_env = tg.get<std::string>("token_env", c.telegram_token_env);
  c.telegram_max_attempts = tg.get<int>("max_attempts", c.telegram_max_attempts);
  c.telegram_backoff_initial_ms = tg.get<int64_t>("backoff_initial_ms", c.telegram_backoff_initial_ms);
  c.telegram_backoff_max_ms = tg.get<int64_t>("backoff_max_ms", c.telegram_backoff_max_ms);
  c.telegram_timeout_ms = tg.get<int64_t>("timeout_ms", c.telegram_timeout_ms);
  c.telegram_max_queue = tg.get<int64_t>("max_queue", c.telegram_max_queue);
  if (c.mission_url_template.find("{mission_id}") == std::string::npos)
    cfg.fail("mission_url_template", "must contain {mission_id}");
  if (c.telegram_enabled && c.telegram_base_url.rfind("http://", 0) != 0)
    tg.fail("base_url", "must be http:// (point it at a local TLS-terminating proxy for api.telegram.org)");
  if (c.telegram_max_attempts < 1) tg.fail("max_attempts", "must be at least 1");
  if (c.telegram_backoff_initial_ms < 1 || c.telegram_backoff_max_ms < c.telegram_backoff_initial_ms)
    tg.fail("backoff_max_ms", "need 1 <= backoff_initial_ms <= backoff_max_ms");
  if (c.telegram_timeout_ms < 100) tg.fail("timeout_ms", "must be at least 100");
  if (c.telegram_max_queue < 1) tg.fail("max_queue", "must be at least 1");
  return c;
}

}  // namespace bitten::execution

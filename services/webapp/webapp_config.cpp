#include "webapp_config.hpp"

#include <charconv>

namespace bitten::webapp {

Result<Listen> parse_listen(const std::string& endpoint) {
  constexpr std::string_view kPrefix = "tcp://";
  if (endpoint.rfind(kPrefix, 0) != 0) return make_error("bad_config", endpoint + ": expected tcp://HOST:PORT");
  const auto rest = endpoint.substr(kPrefix.size());
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return make_error("bad_config", endpoint + ": expected tcp://HOST:PORT");
  Listen l;
  l.host = rest.substr(0, colon);
  if (l.host == "*") l.host = "0.0.0.0";
  const auto port = rest.substr(colon + 1);
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || p != port.data() + port.size() || v > 65535) return make_error("bad_config", endpoint + ": bad port");
  l.port = static_cast<uint16_t>(v);
  return l;
}

Result<WebConfig> WebConfig::read(runtime::ConfigReader& cfg) {
  WebConfig c;
  c.signals_sub = cfg.get("signals_sub", c.signals_sub);
  c.events_sub = cfg.get("events_sub", c.events_sub);
  c.market_sub = cfg.get("market_sub", c.market_sub);
  c.command_push = cfg.get("command_push", c.command_push);
  auto listen = [&](const char* key, Listen& into, const std::string& fallback) {
    auto r = parse_listen(cfg.get(key, fallback));
    if (!r) cfg.fail(key, r.error().message);
    else into = *r;
  };
  listen("trader_listen", c.trader, "tcp://0.0.0.0:8888");
  listen("throne_listen", c.throne, "tcp://0.0.0.0:8899");
  listen("tracking_listen", c.tracking, "tcp://0.0.0.0:8890");
  listen("confidence_listen", c.confidence, "tcp://0.0.0.0:8891");
  c.web_root = cfg.get("web_root", c.web_root);
  c.charts_js = cfg.get("charts_js", c.charts_js);
  c.db_path = cfg.get("db_path", c.db_path);
  c.risk_config = cfg.get("risk_config", c.risk_config);
  c.max_body_bytes = static_cast<size_t>(cfg.get<int64_t>("max_body_bytes", static_cast<int64_t>(c.max_body_bytes)));
  c.read_timeout_s = cfg.get("read_timeout_s", c.read_timeout_s);
  c.ws_max_queue = static_cast<size_t>(cfg.get<int64_t>("ws_max_queue", static_cast<int64_t>(c.ws_max_queue)));
  c.nofile_limit = cfg.get("nofile_limit", c.nofile_limit);
  c.bot_token_env = cfg.get("bot_token_env", c.bot_token_env);
  c.bot_username = cfg.get("bot_username", c.bot_username);
  c.auth_max_age_s = cfg.get("auth_max_age_s", c.auth_max_age_s);
  c.session_ttl_s = cfg.get("session_ttl_s", c.session_ttl_s);
  c.cookie_secure = cfg.get("cookie_secure", c.cookie_secure);
  c.auto_register_tier = cfg.get("auto_register_tier", c.auto_register_tier);
  auto rate = [&](const char* key, RateConfig& into) {
    auto s = cfg.section(key);
    into.per_second = s.get("per_second", into.per_second);
    into.burst = s.get("burst", into.burst);
    if (into.per_second <= 0 || into.burst < 1) cfg.fail(key, "per_second must be > 0 and burst >= 1");
  };
  rate("login_rate", c.login_rate);
  rate("fire_rate", c.fire_rate);
  if (cfg.has("expected_daemons")) {
    auto j = cfg.raw("expected_daemons");
    if (!j.is_array()) {
      cfg.fail("expected_daemons", "expected an array of daemon names");
    } else {
      c.expected_daemons.clear();
      for (auto& n : j) {
        if (n.is_string()) c.expected_daemons.push_back(n.get<std::string>());
        else cfg.fail("expected_daemons", "expected an array of daemon names");
      }
    }
  }
  c.bars_keep = static_cast<size_t>(cfg.get<int64_t>("bars_keep", static_cast<int64_t>(c.bars_keep)));
  c.recent_signals_keep =
      static_cast<size_t>(cfg.get<int64_t>("recent_signals_keep", static_cast<int64_t>(c.recent_signals_keep)));
  if (c.max_body_bytes < 1024 || c.max_body_bytes > (16u << 20)) cfg.fail("max_body_bytes", "must be 1 KiB..16 MiB");
  if (c.read_timeout_s < 1) cfg.fail("read_timeout_s", "must be >= 1");
  if (c.session_ttl_s < 60) cfg.fail("session_ttl_s", "must be >= 60");
  if (c.auth_max_age_s < 10) cfg.fail("auth_max_age_s", "must be >= 10");
  if (c.ws_max_queue < 1) cfg.fail("ws_max_queue", "must be >= 1");
  return c;
}

}  // namespace bitten::webapp

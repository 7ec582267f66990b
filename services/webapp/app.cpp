#include "app.hpp"

#include <algorithm>
#include <cmath>

#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/health.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/schema/tick.hpp"
#include "bitten/schema/bar.hpp"
#include "bitten/store/audit_repo.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "crypto.hpp"
#include "json_views.hpp"
#include "responses.hpp"
#include "static_files.hpp"
#include "url.hpp"

namespace bitten::webapp {

namespace {

constexpr unsigned bit(Surface s) { return 1u << static_cast<unsigned>(s); }
constexpr unsigned kAll = bit(Surface::Trader) | bit(Surface::Throne) | bit(Surface::Tracking) | bit(Surface::Confidence);
constexpr unsigned kTrader = bit(Surface::Trader);
constexpr unsigned kThrone = bit(Surface::Throne);
constexpr unsigned kDash = bit(Surface::Tracking) | bit(Surface::Confidence) | bit(Surface::Throne);

bool is_state_changing(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

const char* surface_dir(Surface s) {
  switch (s) {
    case Surface::Trader: return "trader";
    case Surface::Throne: return "throne";
    case Surface::Tracking: return "tracking";
    case Surface::Confidence: return "confidence";
  }
  return "trader";
}

void add_security_headers(Response& r) {
  r.add_header("X-Content-Type-Options", "nosniff");
  r.add_header("Referrer-Policy", "no-referrer");
  if (r.content_type.rfind("text/html", 0) == 0) {
    // Scripts only from this origin (plus Telegram's login widget); no inline script anywhere.
    r.add_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
                 "img-src 'self' data: https://t.me https://telegram.org; connect-src 'self'; "
                 "frame-src https://oauth.telegram.org; frame-ancestors 'self' https://web.telegram.org; "
                 "base-uri 'none'; form-action 'self'");
  }
  bool has_cache = false;
  for (auto& [k, _] : r.headers) has_cache |= k == "Cache-Control";
  if (!has_cache) r.add_header("Cache-Control", "no-store");
}

}  // namespace

std::string_view to_string(Surface s) {
  switch (s) {
    case Surface::Trader: return "trader";
    case Surface::Throne: return "throne";
    case Surface::Tracking: return "tracking";
    case Surface::Confidence: return "confidence";
  }
  return "?";
}

std::string csrf_token_for(const std::string& session_cookie) { return crypto::sha256_hex("csrf:" + session_cookie); }

App::App(AppDeps deps)
    : d_(std::move(deps)),
      fires_(d_.db, d_.risk, d_.symbols, ids_),
      login_limiter_(d_.config.login_rate.per_second, d_.config.login_rate.burst),
      fire_limiter_(d_.config.fire_rate.per_second, d_.config.fire_rate.burst),
      health_(d_.config.expected_daemons),
      market_(d_.config.bars_keep),
      started_mono_ns_(d_.clock.mono_ns()) {
  using A = Access;
  routes_ = {
      {"GET", "/healthz", kAll, A::Public, &App::get_healthz},
      {"GET", "/metrics", kAll, A::Public, &App::get_metrics},
      {"GET", "/auth/config", kAll, A::Public, &App::auth_config},
      {"POST", "/auth/telegram", kAll, A::Public, &App::auth_telegram},
      {"POST", "/auth/webapp", kAll, A::Public, &App::auth_webapp},
      {"POST", "/auth/token", kAll, A::Public, &App::auth_token},
      {"GET", "/auth/telegram/callback", kAll, A::Public, &App::auth_telegram_redirect},
      {"POST", "/auth/logout", kAll, A::User, &App::auth_logout},
      {"GET", "/api/me", kAll, A::User, &App::me},
      // trader
      {"GET", "/api/signals", kTrader, A::User, &App::get_signals},
      {"GET", "/api/signals/{id}", kTrader | kDash, A::User, &App::get_signal},
      {"GET", "/api/bars", kTrader | kDash, A::User, &App::get_bars},
      {"GET", "/api/missions", kTrader, A::User, &App::get_missions},
      {"GET", "/api/missions/{id}", kTrader, A::User, &App::get_mission},
      {"POST", "/api/fire", kTrader, A::User, &App::post_fire},
      {"GET", "/api/fires", kTrader, A::User, &App::get_fires},
      {"GET", "/api/positions", kTrader, A::User, &App::get_positions},
      {"GET", "/api/account", kTrader, A::User, &App::get_account},
      {"GET", "/api/mode", kTrader, A::User, &App::get_mode},
      {"POST", "/api/mode", kTrader, A::User, &App::post_mode},
      // throne
      {"GET", "/api/admin/users", kThrone, A::Admin, &App::admin_users},
      {"POST", "/api/admin/users/{id}", kThrone, A::Admin, &App::admin_edit_user},
      {"POST", "/api/admin/users/{id}/halt", kThrone, A::Admin, &App::admin_halt_user},
      {"GET", "/api/admin/halt", kThrone, A::Admin, &App::admin_get_halt},
      {"POST", "/api/admin/halt", kThrone, A::Admin, &App::admin_set_halt},
      {"GET", "/api/admin/ea", kThrone, A::Admin, &App::admin_ea},
      {"POST", "/api/admin/ea/{id}", kThrone, A::Admin, &App::admin_edit_ea},
      {"GET", "/api/admin/audit", kThrone, A::Admin, &App::admin_audit},
      {"GET", "/api/admin/health", kThrone, A::Admin, &App::admin_health},
      {"GET", "/api/admin/models", kThrone, A::Admin, &App::admin_models},
      {"POST", "/api/admin/models/rollback", kThrone, A::Admin, &App::admin_rollback},
      {"POST", "/api/admin/models/{id}/promote", kThrone, A::Admin, &App::admin_promote},
      {"GET", "/api/admin/users/{id}/fires", kThrone, A::Admin, &App::admin_fires},
      {"GET", "/api/admin/fires", kThrone, A::Admin, &App::admin_recent_fires},
      // tracking and confidence (the Throne shows them too)
      {"GET", "/api/tracking/signals", bit(Surface::Tracking) | kThrone, A::User, &App::tracking_signals},
      {"GET", "/api/tracking/stats", bit(Surface::Tracking) | kThrone, A::User, &App::tracking_stats},
      {"GET", "/api/confidence/calibration", bit(Surface::Confidence) | kThrone, A::User, &App::confidence_calibration},
      {"GET", "/api/confidence/models", bit(Surface::Confidence) | kThrone, A::User, &App::confidence_models},
  };
}

App::~App() = default;

void App::handle(const Request& req, const Reply& reply) {
  const int64_t start = d_.clock.mono_ns();
  auto route = std::make_shared<std::string>("static");
  const std::string surface(to_string(req.surface));
  Reply wrapped = [this, reply, route, start, surface, head = req.method == "HEAD"](Response r) {
    add_security_headers(r);
    r.head_only = head;
    metrics_.record(surface, *route, r.status, static_cast<double>(d_.clock.mono_ns() - start) * 1e-9);
    reply(std::move(r));
  };
  auto split = split_target(req.target);
  auto path = url_decode(split.path, false);
  if (!path || path->empty() || path->front() != '/') {
    *route = "bad_request";
    wrapped(error_response(400, "bad_request", "malformed path"));
    return;
  }
  Ctx c{req, wrapped, *path, parse_query(split.query), {}, std::nullopt, route, nlohmann::json::object()};
  dispatch(c);
}

namespace {
bool match(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  size_t pi = 0, si = 0;
  params.clear();
  while (pi < pattern.size() && si < path.size()) {
    if (pattern[pi] == '{') {
      size_t close = pattern.find('}', pi);
      size_t end = path.find('/', si);
      if (end == std::string::npos) end = path.size();
      std::string value = path.substr(si, end - si);
      if (value.empty() || value.size() > 128) return false;
      params[pattern.substr(pi + 1, close - pi - 1)] = value;
      pi = close + 1;
      si = end;
    } else {
      if (pattern[pi] != path[si]) return false;
      ++pi;
      ++si;
    }
  }
  return pi == pattern.size() && si == path.size();
}
}  // namespace

void App::dispatch(Ctx& c) {
  const Request& req = c.req;
  const Route* found = nullptr;
  bool path_known = false;
  for (const auto& r : routes_) {
    if (!(r.surfaces & bit(req.surface))) continue;
    std::map<std::string, std::string> params;
    if (!match(r.pattern, c.path, params)) continue;
    path_known = true;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
      found = &r;
      c.params = std::move(params);
      break;
    }
  }
  if (!found) {
    if (path_known) {
      *c.route = "method_not_allowed";
      c.reply(error_response(405, "method_not_allowed"));
      return;
    }
    if (c.path.rfind("/api/", 0) == 0 || c.path.rfind("/auth/", 0) == 0 || c.path == "/ws") {
      *c.route = "not_found";
      c.reply(error_response(404, "not_found"));
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      *c.route = "method_not_allowed";
      c.reply(error_response(405, "method_not_allowed"));
      return;
    }
    serve_static(c);
    return;
  }
  *c.route = found->pattern;

  if (found->access != Access::Public) {
    std::string why;
    c.principal = authenticate(req, &why);
    if (!c.principal) {
      c.reply(error_response(401, "unauthenticated", why));
      return;
    }
    // The Throne serves only admins, whatever the route.
    if ((found->access == Access::Admin || req.surface == Surface::Throne) && c.principal->role != "admin") {
      c.reply(error_response(403, "forbidden", "admin only"));
      return;
    }
    if (is_state_changing(req.method)) {
      if (!origin_ok(req)) {
        c.reply(error_response(403, "bad_origin", "cross-origin request refused"));
        return;
      }
      if (c.principal->via_session && !csrf_ok(c)) {
        c.reply(error_response(403, "csrf", "missing or wrong X-CSRF-Token"));
        return;
      }
    }
  } else if (is_state_changing(req.method) && !origin_ok(req)) {
    c.reply(error_response(403, "bad_origin", "cross-origin request refused"));
    return;
  }
  if (is_state_changing(req.method)) {
    if (req.body.empty()) {
      c.body = nlohmann::json::object();
    } else {
      c.body = nlohmann::json::parse(req.body, nullptr, false);
      if (!c.body.is_object()) {
        c.reply(error_response(400, "bad_json", "the body must be a JSON object"));
        return;
      }
    }
  }
  (this->*(found->handler))(c);
}

std::optional<Principal> App::authenticate(const Request& req, std::string* failure) {
  const int64_t now = d_.clock.now_ns();
  std::optional<std::string> user_id;
  Principal p;
  const std::string authz = req.header("authorization");
  if (!authz.empty()) {
    if (authz.rfind("Bearer ", 0) != 0) {
      *failure = "unsupported authorization scheme";
      return std::nullopt;
    }
    // Last use is recorded at most once a minute: a write per request cost a WAL commit (and its
    // checkpoints) on every API call.
    auto tok = store::AuthRepo(d_.db).verify_api_token(authz.substr(7), now, 60'000'000'000LL);
    if (!tok) {
      *failure = "store unavailable";
      return std::nullopt;
    }
    if (!*tok) {
      *failure = "invalid or revoked token";
      return std::nullopt;
    }
    user_id = (*tok)->user_id;
  } else {
    auto cookies = parse_cookies(req.header("cookie"));
    auto it = cookies.find(kSessionCookie);
    if (it == cookies.end() || it->second.empty()) {
      *failure = "sign in first";
      return std::nullopt;
    }
    auto s = store::AuthRepo(d_.db).verify_session(it->second, now);
    if (!s || !*s) {
      *failure = "session expired or unknown";
      return std::nullopt;
    }
    user_id = (*s)->user_id;
    p.via_session = true;
    p.session_cookie = it->second;
  }
  auto u = store::UserRepo(d_.db).get(*user_id);
  if (!u || !*u) {
    *failure = "user not found";
    return std::nullopt;
  }
  p.user_id = (*u)->user_id;
  p.role = (*u)->role;
  p.tier = (*u)->tier;
  return p;
}

bool App::csrf_ok(const Ctx& c) const {
  const std::string header = c.req.header("x-csrf-token");
  return !header.empty() && crypto::constant_time_equal(header, csrf_token_for(c.principal->session_cookie));
}

bool App::origin_ok(const Request& req) const {
  // Browsers send Origin on cross-site POSTs and WebSocket handshakes; when present it must be us.
  const std::string origin = req.header("origin");
  if (origin.empty()) return true;
  const std::string host = req.header("host");
  return origin == "http://" + host || origin == "https://" + host;
}

void App::serve_static(Ctx& c) {
  namespace fs = std::filesystem;
  std::optional<fs::path> file;
  std::string cache = "no-cache";
  if (c.path == "/vendor/lightweight-charts.js") {
    *c.route = "vendor";
    std::error_code ec;
    if (fs::is_regular_file(d_.config.charts_js, ec)) file = fs::path(d_.config.charts_js);
    cache = "public, max-age=86400";
  } else {
    // The URL path was decoded once in handle(); resolve_static_path decodes again, so '%' is
    // re-encoded first: "%2573" must stay the literal name "%73", never become "s" (no double
    // decoding, for /static/ as for the surface's own pages).
    std::string p;
    for (char ch : c.path) p += ch == '%' ? std::string("%25") : std::string(1, ch);
    if (c.path.rfind("/static/", 0) == 0)
      file = resolve_static_path(fs::path(d_.config.web_root) / "static", p.substr(8));
    else
      file = resolve_static_path(fs::path(d_.config.web_root) / surface_dir(c.req.surface), p);
  }
  if (!file) {
    c.reply(error_response(404, "not_found"));
    return;
  }
  auto body = read_file(*file);
  if (!body) {
    c.reply(error_response(404, "not_found"));
    return;
  }
  Response r;
  r.content_type = mime_type(*file);
  r.body = std::move(*body);
  r.add_header("Cache-Control", cache);
  c.reply(std::move(r));
}

// ---- auth -------------------------------------------------------------------------------------

void App::auth_config(Ctx& c) {
  c.reply(json_response(200, {{"bot_username", d_.config.bot_username}, {"surface", to_string(c.req.surface)}}));
}

void App::auth_telegram(Ctx& c) {
  if (!login_limiter_.allow("ip:" + c.req.remote_ip, d_.clock.now_ns())) {
    Response r = error_response(429, "rate_limited");
    r.add_header("Retry-After", std::to_string(login_limiter_.retry_after_s("ip:" + c.req.remote_ip)));
    c.reply(std::move(r));
    return;
  }
  std::map<std::string, std::string> fields;
  for (auto& [k, v] : c.body.items()) {
    if (v.is_string()) fields[k] = v.get<std::string>();
    else if (v.is_number_integer()) fields[k] = std::to_string(v.get<int64_t>());
    else if (!v.is_null()) {
      c.reply(error_response(400, "bad_payload", "field " + k + " must be a string or an integer"));
      return;
    }
  }
  TelegramCheck check{d_.bot_token, d_.clock.now_ns() / 1'000'000'000LL, d_.config.auth_max_age_s, 60};
  sign_in(c, verify_login_widget(fields, check));
}

// The Login Widget's redirect flow (data-auth-url): the signed fields arrive in the query string.
void App::auth_telegram_redirect(Ctx& c) {
  if (!login_limiter_.allow("ip:" + c.req.remote_ip, d_.clock.now_ns())) {
    c.reply(error_response(429, "rate_limited"));
    return;
  }
  TelegramCheck check{d_.bot_token, d_.clock.now_ns() / 1'000'000'000LL, d_.config.auth_max_age_s, 60};
  sign_in(c, verify_login_widget(c.query, check), /*redirect=*/true);
}

void App::auth_webapp(Ctx& c) {
  if (!login_limiter_.allow("ip:" + c.req.remote_ip, d_.clock.now_ns())) {
    c.reply(error_response(429, "rate_limited"));
    return;
  }
  if (!c.body.contains("init_data") || !c.body["init_data"].is_string()) {
    c.reply(error_response(400, "bad_payload", "init_data (string) required"));
    return;
  }
  TelegramCheck check{d_.bot_token, d_.clock.now_ns() / 1'000'000'000LL, d_.config.auth_max_age_s, 60};
  sign_in(c, verify_webapp_init_data(c.body["init_data"].get<std::string>(), check));
}

void App::sign_in(Ctx& c, const Result<TelegramIdentity>& id, bool redirect) {
  if (!id) {
    if (redirect) {
      Response r;
      r.status = 303;
      r.content_type = "text/plain";
      r.add_header("Location", "/?signin=" + id.error().code);
      c.reply(std::move(r));
      return;
    }
    c.reply(error_response(id.error().code == "bad_payload" ? 400 : 401, id.error().code, id.error().message));
    return;
  }
  const int64_t now = d_.clock.now_ns();
  const int64_t now_s = now / 1'000'000'000LL;
  if (!replay_.first_use(id->hash, id->auth_date + d_.config.auth_max_age_s, now_s)) {
    c.reply(error_response(401, "replayed", "this sign-in payload was already used"));
    return;
  }
  store::UserRepo users(d_.db);
  auto u = users.by_telegram(id->telegram_id);
  if (!u) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  std::optional<store::UserRecord> user = *u;
  if (!user) {
    if (d_.config.auto_register_tier.empty()) {
      c.reply(error_response(403, "not_registered", "ask an admin to register your Telegram account"));
      return;
    }
    store::UserRecord nu;
    nu.user_id = "tg" + std::to_string(id->telegram_id);
    nu.telegram_id = id->telegram_id;
    nu.display_name = !id->username.empty() ? id->username : id->first_name;
    nu.tier = d_.config.auto_register_tier;
    nu.role = "trader";
    nu.created_ns = nu.updated_ns = now;
    if (auto st = users.create(nu); !st) {
      c.reply(error_response(409, "not_registered", st.error().message));
      return;
    }
    user = nu;
  }
  start_session(c, *user, redirect);
}

// Operators without Telegram (and the demo) sign in on a page with an API token from
// `bitten-admin create-token`; the page then holds a session cookie like a Telegram user.
void App::auth_token(Ctx& c) {
  const int64_t now = d_.clock.now_ns();
  if (!login_limiter_.allow("ip:" + c.req.remote_ip, now)) {
    c.reply(error_response(429, "rate_limited"));
    return;
  }
  if (!c.body.contains("token") || !c.body["token"].is_string()) {
    c.reply(error_response(400, "bad_payload", "token (string) required"));
    return;
  }
  auto tok = store::AuthRepo(d_.db).verify_api_token(c.body["token"].get<std::string>(), now, 60'000'000'000LL);
  if (!tok) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  if (!*tok) {
    c.reply(error_response(401, "bad_token", "invalid or revoked token"));
    return;
  }
  auto u = store::UserRepo(d_.db).get((*tok)->user_id);
  if (!u || !*u) {
    c.reply(error_response(401, "bad_token", "the token's user no longer exists"));
    return;
  }
  start_session(c, **u, false);
}

void App::start_session(Ctx& c, const store::UserRecord& u, bool redirect) {
  const store::UserRecord* user = &u;
  const int64_t now = d_.clock.now_ns();
  auto cookie = store::AuthRepo(d_.db).create_session(user->user_id, now, d_.config.session_ttl_s * 1'000'000'000LL);
  if (!cookie) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  const std::string csrf = csrf_token_for(*cookie);
  const std::string attrs = "; Path=/; Max-Age=" + std::to_string(d_.config.session_ttl_s) + "; SameSite=Strict" +
                            (d_.config.cookie_secure ? "; Secure" : "");
  Response r = json_response(200, {{"user_id", user->user_id}, {"role", user->role}, {"tier", user->tier},
                                   {"display_name", user->display_name}, {"csrf", csrf}});
  if (redirect) {
    r.status = 303;
    r.body.clear();
    r.add_header("Location", "/");
  }
  r.add_header("Set-Cookie", std::string(kSessionCookie) + "=" + *cookie + attrs + "; HttpOnly");
  r.add_header("Set-Cookie", std::string(kCsrfCookie) + "=" + csrf + attrs);
  c.reply(std::move(r));
}

void App::auth_logout(Ctx& c) {
  if (c.principal->via_session) (void)store::AuthRepo(d_.db).revoke_session(c.principal->session_cookie);
  Response r = json_response(200, {{"signed_out", true}});
  r.add_header("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Max-Age=0; SameSite=Strict; HttpOnly");
  r.add_header("Set-Cookie", std::string(kCsrfCookie) + "=; Path=/; Max-Age=0; SameSite=Strict");
  c.reply(std::move(r));
}

void App::me(Ctx& c) {
  const auto* tier = d_.risk.tier(c.principal->tier);
  nlohmann::json j = {{"user_id", c.principal->user_id},
                      {"role", c.principal->role},
                      {"tier", c.principal->tier},
                      {"can_fire", tier && tier->can_manual},
                      {"can_auto", tier && tier->can_auto}};
  if (c.principal->via_session) j["csrf"] = csrf_token_for(c.principal->session_cookie);
  c.reply(json_response(200, j));
}

std::variant<Principal, Response> App::authorize_ws(const Request& req) {
  std::string why;
  if (!origin_ok(req)) return error_response(403, "bad_origin");
  auto p = authenticate(req, &why);
  if (!p) return error_response(401, "unauthenticated", why);
  if (req.surface == Surface::Throne && p->role != "admin") return error_response(403, "forbidden", "admin only");
  return *p;
}

uint64_t App::ws_opened(const Principal& p, Surface s, std::function<bool(const WsPayload&)> send) {
  const uint64_t id = hub_.add(WsClient{p.user_id, p.role, s, std::move(send)});
  metrics_.ws_clients(std::string(to_string(s)), static_cast<int64_t>(hub_.count(s)));
  return id;
}

void App::ws_closed(uint64_t id) {
  hub_.remove(id);
  for (Surface s : {Surface::Trader, Surface::Throne, Surface::Tracking, Surface::Confidence})
    metrics_.ws_clients(std::string(to_string(s)), static_cast<int64_t>(hub_.count(s)));
}

// ---- health and metrics -----------------------------------------------------------------------

nlohmann::json App::healthz(int& http_status) {
  const int64_t now = d_.clock.now_ns();
  const int64_t mono = d_.clock.mono_ns();
  bool store_ok = true;
  auto signals = store::SignalRepo(d_.db).count_since(now - 24 * 3600 * 1'000'000'000LL);
  auto active = store::FireRepo(d_.db).count_active();
  auto eas = store::EaRepo(d_.db).count_seen_since(now - d_.risk.ea_ttl_s * 1'000'000'000LL);
  store_ok = signals.ok() && active.ok() && eas.ok();
  const bool fresh = health_.all_fresh(mono);
  nlohmann::json j = {
      {"status", fresh && store_ok ? "ok" : "degraded"},
      {"uptime", std::round(static_cast<double>(mono - started_mono_ns_) * 1e-6) / 1000.0},
      {"signals_24h", signals ? nlohmann::json(*signals) : nlohmann::json(nullptr)},
      {"active_fires", active ? nlohmann::json(*active) : nlohmann::json(nullptr)},
      {"ea_connected", eas ? nlohmann::json(*eas) : nlohmann::json(nullptr)},
      {"store", store_ok ? "ok" : "unavailable"},
      {"daemons", health_.daemons_json(mono)},
  };
  http_status = fresh && store_ok ? 200 : 503;
  return j;
}

void App::get_healthz(Ctx& c) {
  int status = 200;
  auto j = healthz(status);
  c.reply(json_response(status, j));
}

void App::get_metrics(Ctx& c) {
  std::string out;
  out.reserve(16 * 1024);
  health_.append_metrics(out, d_.clock.mono_ns());
  metrics_.set_ws_dropped_total(hub_.dropped());
  metrics_.append(out);
  out += "# HELP bitten_webapp_uptime_seconds Seconds since the webapp started.\n"
         "# TYPE bitten_webapp_uptime_seconds gauge\nbitten_webapp_uptime_seconds " +
         std::to_string(static_cast<double>(d_.clock.mono_ns() - started_mono_ns_) * 1e-9) + "\n";
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  c.reply(std::move(r));
}

// ---- bus input --------------------------------------------------------------------------------

void App::on_bus_message(const std::string& topic, const std::string& payload) {
  auto env = schema::decode_envelope(payload);
  if (!env) {
    metrics_.count("bus_bad_envelope");
    return;
  }
  if (topic.rfind("tick.", 0) == 0) {
    auto t = schema::tick_from_json(env->data);
    if (t) market_.on_tick(t->symbol, t->bid, t->ask, t->time_ns, d_.clock.now_ns());
    else metrics_.count("bus_bad_tick");
  } else if (topic.rfind("bar.M1.", 0) == 0) {
    auto b = schema::bar_from_json(env->data);
    if (b && b->source == "ea")
      market_.on_ea_bar(b->symbol, market::EaBar{b->open_time_ns, b->open, b->high, b->low, b->close, 0});
  } else if (topic.rfind("signal.", 0) == 0) {
    on_signal(env->data);
  } else if (topic.rfind("health.", 0) == 0) {
    auto h = schema::health_from_json(env->data);
    if (h) health_.on_heartbeat(std::move(*h), d_.clock.mono_ns());
    else metrics_.count("bus_bad_health");
  } else if (topic.rfind("fire.", 0) == 0) {
    on_fire_event(topic.substr(5), env->data);
  } else if (topic.rfind("mission.", 0) == 0) {
    // signal_relay's mission offers (when it publishes them); the timer also finds them in the store.
    const std::string user = topic.substr(8);
    if (env->data.contains("mission_id") && env->data["mission_id"].is_string()) {
      auto m = store::MissionRepo(d_.db).get(env->data["mission_id"].get<std::string>());
      if (m && *m && (*m)->user_id == user && offered_missions_.insert((*m)->mission_id).second) {
        auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "mission"}, {"data", mission_json(**m)}}.dump());
        metrics_.ws_sent(hub_.send_to_user(user, Surface::Trader, msg));
      }
    }
  } else if (topic.rfind("ea.", 0) == 0) {
    auto e = schema::ea_status_from_json(env->data);
    if (!e) return;
    if (e->kind == "duplicate") duplicate_eas_.insert(e->uuid);
    auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "ea"}, {"data", env->data}}.dump());
    metrics_.ws_sent(hub_.send_to_admins(msg));
  } else if (topic.rfind("model.", 0) == 0) {
    auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "model"}, {"data", env->data}}.dump());
    metrics_.ws_sent(hub_.send_to_admins(msg));
  }
}

void App::on_signal(const nlohmann::json& data) {
  auto s = schema::signal_from_json(data);
  if (!s) {
    metrics_.count("bus_bad_signal");
    return;
  }
  metrics_.count("signals_in");
  for (const auto& known : live_signals_)
    if (known.signal_id == s->signal_id) return;  // never shown twice
  auto rec = store::to_signal_record(*s, d_.clock.now_ns());
  live_signals_.push_front(rec);
  while (live_signals_.size() > d_.config.recent_signals_keep) live_signals_.pop_back();
  auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "signal"}, {"data", to_json(rec)}}.dump());
  // Traders see the signals the model accepted (the ones they can be offered); admins see all.
  if (rec.accepted) {
    metrics_.ws_sent(hub_.broadcast(Surface::Trader, msg));
    pending_offers_.push_back({rec.signal_id, d_.clock.mono_ns() + 60'000'000'000LL});
  }
  metrics_.ws_sent(hub_.broadcast(Surface::Throne, msg));
  metrics_.ws_sent(hub_.broadcast(Surface::Tracking, msg));
}

void App::on_fire_event(const std::string& user_id, const nlohmann::json& data) {
  // Only the fire's own user (and the admins) hear about it.
  if (user_id.empty()) return;
  auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "fire"}, {"data", data}}.dump());
  metrics_.ws_sent(hub_.send_to_user(user_id, Surface::Trader, msg));
  metrics_.ws_sent(hub_.send_to_admins(msg));
}

void App::on_timer() {
  offer_missions();
  if (offered_missions_.size() > 100'000) offered_missions_.clear();
}

void App::offer_missions() {
  const int64_t mono = d_.clock.mono_ns();
  while (!pending_offers_.empty() && pending_offers_.front().until_mono_ns < mono) pending_offers_.pop_front();
  if (pending_offers_.empty() || hub_.count(Surface::Trader) == 0) return;
  // One query per pending signal (its missions, index missions_signal), not one per connected user:
  // with thousands of traders online the per-user lookups held the HTTP thread for a long time.
  store::MissionRepo missions(d_.db);
  for (const auto& offer : pending_offers_) {
    auto ms = missions.for_signal(offer.signal_id);
    if (!ms) continue;
    for (const auto& m : *ms) {
      if (offered_missions_.count(m.mission_id) || !hub_.has_user(m.user_id, Surface::Trader)) continue;
      offered_missions_.insert(m.mission_id);
      auto msg = std::make_shared<const std::string>(nlohmann::json{{"type", "mission"}, {"data", mission_json(m)}}.dump());
      metrics_.ws_sent(hub_.send_to_user(m.user_id, Surface::Trader, msg));
    }
  }
}

// ---- shared helpers ---------------------------------------------------------------------------

void App::audit(const Principal& actor, const std::string& action, const std::string& target, nlohmann::json detail) {
  store::AuditEntry e;
  e.ts_ns = d_.clock.now_ns();
  e.actor = actor.user_id;
  e.action = action;
  e.target = target;
  e.detail_json = detail.dump();
  if (auto r = store::AuditRepo(d_.db).append(e); !r) metrics_.count("audit_write_failed");
  d_.outbox.publish_event("audit." + action, "audit", {{"actor", actor.user_id}, {"action", action}, {"target", target},
                                                       {"detail", detail}});
}

void App::publish_fire(const store::FireRecord& f) {
  auto j = to_json(f);
  j["user_id"] = f.user_id;
  d_.outbox.publish_event("fire." + f.user_id, "fire", j);
}

std::optional<store::SignalRecord> App::find_signal(const std::string& signal_id) {
  auto s = store::SignalRepo(d_.db).get(signal_id);
  if (s && *s) return **s;
  for (const auto& r : live_signals_)
    if (r.signal_id == signal_id) return r;
  return std::nullopt;
}

nlohmann::json App::mission_json(const store::MissionRecord& m) {
  nlohmann::json j = {{"mission_id", m.mission_id}, {"signal_id", m.signal_id},   {"lot_preview", m.lot_preview},
                      {"created_ns", m.created_ns}, {"expires_ns", m.expires_ns}, {"expired", m.expires_ns <= d_.clock.now_ns()}};
  auto s = find_signal(m.signal_id);
  j["signal"] = s ? to_json(*s) : nlohmann::json(nullptr);
  // Expired in market time too (the risk engine's rule): the market is a mission's lifetime past the signal.
  if (s) {
    if (auto q = market_.quote(s->symbol); q && q->event_ns > 0 && q->event_ns - s->detected_ns >= d_.risk.mission_expiry_s * kNsPerSec)
      j["expired"] = true;
  }
  auto live = store::FireRepo(d_.db).live_for_mission(m.mission_id);
  j["fire"] = live && *live ? to_json(**live) : nlohmann::json(nullptr);
  return j;
}

risk::QuoteSource App::quotes() {
  return [this](std::string_view symbol) { return market_.quote(symbol); };
}

}  // namespace bitten::webapp

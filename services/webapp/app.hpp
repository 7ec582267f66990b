#pragma once
// The webapp's logic, without sockets: routing and the permission table, authentication
// (Telegram sign-in, session cookies with CSRF, API tokens), the JSON API of the four surfaces,
// /healthz and /metrics, static pages, and the WebSocket fan-out rules. One thread (the HTTP
// thread) calls every method; the bus bridge posts its messages onto that thread.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>

#include "bitten/core/clock.hpp"
#include "bitten/core/ids.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/risk/fire_service.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"
#include "health_aggregator.hpp"
#include "http_message.hpp"
#include "http_metrics.hpp"
#include "live_market.hpp"
#include "rate_limiter.hpp"
#include "telegram_auth.hpp"
#include "webapp_config.hpp"
#include "ws_hub.hpp"

namespace bitten::webapp {

// Where the webapp sends things it does not own: EA commands to command_router's queue and events
// to the bus. The daemon implements it with the ZeroMQ thread; tests with a fake.
class Outbox {
 public:
  virtual ~Outbox() = default;
  // Queues [topic][payload] on the command queue. done(true) once handed to ZeroMQ, done(false)
  // when it could not be (no router connected, queue full); done runs on the HTTP thread.
  virtual void send_command(std::string topic, std::string payload, std::function<void(bool)> done) = 0;
  virtual void publish_event(std::string topic, std::string type, nlohmann::json data) = 0;
};

using Reply = std::function<void(Response)>;

struct Principal {
  std::string user_id;
  std::string role;  // "trader" | "admin"
  std::string tier;
  bool via_session = false;
  std::string session_cookie;  // the raw cookie (to derive the CSRF token and to log out)
};

struct AppDeps {
  WebConfig config;
  store::Database& db;
  const risk::RiskConfig& risk;
  const SymbolTable& symbols;
  const Clock& clock;
  Outbox& outbox;
  std::string bot_token;  // from the environment, never from a file
};

inline constexpr const char* kSessionCookie = "bitten_session";
inline constexpr const char* kCsrfCookie = "bitten_csrf";
// The CSRF token bound to a session: only a page that can read its own cookies can compute it.
std::string csrf_token_for(const std::string& session_cookie);

class App {
 public:
  explicit App(AppDeps deps);
  ~App();

  void handle(const Request& req, const Reply& reply);
  // WebSocket upgrade on GET /ws: the principal allowed on this surface, or the refusal to send.
  std::variant<Principal, Response> authorize_ws(const Request& req);
  // Registers an accepted WebSocket; returns the hub id to pass to ws_closed().
  uint64_t ws_opened(const Principal& p, Surface s, std::function<bool(const WsPayload&)> send);
  void ws_closed(uint64_t id);

  // [topic][envelope] from 5557, 5570 and 5560.
  void on_bus_message(const std::string& topic, const std::string& payload);
  // Once a second: offers new missions over WebSocket, forgets old state.
  void on_timer();

  WsHub& hub() { return hub_; }
  HttpMetrics& metrics() { return metrics_; }
  const HealthAggregator& health() const { return health_; }
  LiveMarket& market() { return market_; }
  // {"status",...} and the HTTP status (200, or 503 when a daemon is stale or missing).
  nlohmann::json healthz(int& http_status);

  struct Ctx;
  using Handler = void (App::*)(Ctx&);
  enum class Access { Public, User, Admin };
  struct Route {
    std::string method;
    std::string pattern;  // "/api/missions/{id}"
    unsigned surfaces;    // bit per Surface
    Access access;
    Handler handler;
  };

 private:
  // routing and auth
  void dispatch(Ctx& c);
  std::optional<Principal> authenticate(const Request& req, std::string* failure);
  bool csrf_ok(const Ctx& c) const;
  bool origin_ok(const Request& req) const;
  void serve_static(Ctx& c);

  // auth routes
  void auth_telegram(Ctx& c);
  void auth_webapp(Ctx& c);
  void auth_token(Ctx& c);
  void start_session(Ctx& c, const store::UserRecord& user, bool redirect);
  void auth_telegram_redirect(Ctx& c);
  void auth_logout(Ctx& c);
  void auth_config(Ctx& c);
  void me(Ctx& c);
  void sign_in(Ctx& c, const Result<TelegramIdentity>& id, bool redirect = false);
  // health
  void get_healthz(Ctx& c);
  void get_metrics(Ctx& c);
  // trader (8888)
  void get_signals(Ctx& c);
  void get_signal(Ctx& c);
  void get_bars(Ctx& c);
  void get_missions(Ctx& c);
  void get_mission(Ctx& c);
  void post_fire(Ctx& c);
  void get_fires(Ctx& c);
  void get_positions(Ctx& c);
  void get_account(Ctx& c);
  void get_mode(Ctx& c);
  void post_mode(Ctx& c);
  // throne (8899)
  void admin_users(Ctx& c);
  void admin_edit_user(Ctx& c);
  void admin_halt_user(Ctx& c);
  void admin_get_halt(Ctx& c);
  void admin_set_halt(Ctx& c);
  void admin_ea(Ctx& c);
  void admin_edit_ea(Ctx& c);
  void admin_audit(Ctx& c);
  void admin_health(Ctx& c);
  void admin_models(Ctx& c);
  void admin_promote(Ctx& c);
  void admin_rollback(Ctx& c);
  void admin_fires(Ctx& c);
  void admin_recent_fires(Ctx& c);
  // tracking (8890) and confidence (8891)
  void tracking_signals(Ctx& c);
  void tracking_stats(Ctx& c);
  void confidence_calibration(Ctx& c);
  void confidence_models(Ctx& c);

  // helpers
  void audit(const Principal& actor, const std::string& action, const std::string& target, nlohmann::json detail);
  void publish_fire(const store::FireRecord& f);
  nlohmann::json mission_json(const store::MissionRecord& m);
  std::optional<store::SignalRecord> find_signal(const std::string& signal_id);
  const std::string* signal_json(const std::string& signal_id);  // to_json(signal).dump(), cached by id
  risk::QuoteSource quotes();
  void on_signal(const nlohmann::json& data);
  void on_fire_event(const std::string& user_id, const nlohmann::json& data);
  void offer_missions();

  AppDeps d_;
  IdGenerator ids_;
  risk::FireService fires_;
  std::vector<Route> routes_;
  RateLimiter login_limiter_, fire_limiter_;
  ReplayGuard replay_;
  HealthAggregator health_;
  HttpMetrics metrics_;
  WsHub hub_;
  LiveMarket market_;
  int64_t started_mono_ns_;
  std::deque<store::SignalRecord> live_signals_;  // newest first, from 5557
  std::unordered_map<std::string, std::string> signal_json_;  // signal_id -> serialised (signals never change)
  struct PendingOffer {
    std::string signal_id;
    int64_t until_mono_ns;
  };
  std::deque<PendingOffer> pending_offers_;
  std::set<std::string> offered_missions_;
  std::set<std::string> duplicate_eas_;
  schema::EnvelopeWriter command_writer_{"webapp"};
};

struct App::Ctx {
  const Request& req;
  const Reply& reply;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;
  std::optional<Principal> principal;
  std::shared_ptr<std::string> route;  // the matched route pattern (metrics label)
  nlohmann::json body;  // parsed JSON body of POSTs (object)
};

}  // namespace bitten::webapp

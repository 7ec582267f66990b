#include "bitten/schema/signal.hpp"
#include "bitten/store/audit_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/model_repo.hpp"
#include "webapp_fixture.hpp"

using namespace bitten;
using namespace bitten::webapp;
using namespace bitten::webapp::testing;

namespace {

class WebApp : public AppFixture {
 protected:
  // A signed Telegram Login Widget payload for this telegram id.
  nlohmann::json widget(int64_t telegram_id, int64_t auth_date_s, const std::string& token = kBotToken) {
    std::map<std::string, std::string> f = {{"id", std::to_string(telegram_id)}, {"first_name", "T"},
                                            {"auth_date", std::to_string(auth_date_s)}};
    f["hash"] = telegram_login_hash(f, token);
    nlohmann::json j;
    for (auto& [k, v] : f) j[k] = v;
    j["id"] = telegram_id;  // the widget sends numbers as numbers
    return j;
  }
  int64_t now_s() const { return clock_.now_ns() / 1'000'000'000LL; }
  static std::string cookie_value(const Response& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
      if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    return "";
  }
  static std::string set_cookie(const Response& r, const std::string& name) {
    for (auto& [k, v] : r.headers)
      if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v;
    return "";
  }
  // A GLADIATOR with a linked, online EA, a live quote and one mission.
  std::string ready_trader(const std::string& user, std::string* mission) {
    auto token = make_user(user, "GLADIATOR");
    link_ea(user, "ea-" + user);
    auto s = make_signal("SIG_" + user);
    *mission = make_mission(user, s.signal_id);
    tick("EURUSD", 1.10000, 1.10005);
    return token;
  }
};

struct RouteCase {
  const char* method;
  const char* path;
  Surface surface;
};

}  // namespace

TEST_F(WebApp, EveryProtectedRouteWithoutAuthIs401) {
  const std::vector<RouteCase> cases = {
      {"GET", "/api/me", Surface::Trader},           {"POST", "/auth/logout", Surface::Trader},
      {"GET", "/api/signals", Surface::Trader},      {"GET", "/api/signals/X", Surface::Trader},
      {"GET", "/api/bars?symbol=EURUSD", Surface::Trader}, {"GET", "/api/missions", Surface::Trader},
      {"GET", "/api/missions/M1", Surface::Trader},  {"POST", "/api/fire", Surface::Trader},
      {"GET", "/api/fires", Surface::Trader},        {"GET", "/api/positions", Surface::Trader},
      {"GET", "/api/account", Surface::Trader},      {"GET", "/api/mode", Surface::Trader},
      {"POST", "/api/mode", Surface::Trader},        {"GET", "/api/admin/users", Surface::Throne},
      {"POST", "/api/admin/users/u1", Surface::Throne}, {"POST", "/api/admin/users/u1/halt", Surface::Throne},
      {"GET", "/api/admin/halt", Surface::Throne},   {"POST", "/api/admin/halt", Surface::Throne},
      {"GET", "/api/admin/ea", Surface::Throne},     {"POST", "/api/admin/ea/x", Surface::Throne},
      {"GET", "/api/admin/audit", Surface::Throne},  {"GET", "/api/admin/health", Surface::Throne},
      {"GET", "/api/admin/models", Surface::Throne}, {"POST", "/api/admin/models/v1/promote", Surface::Throne},
      {"POST", "/api/admin/models/rollback", Surface::Throne}, {"GET", "/api/admin/users/u1/fires", Surface::Throne},
      {"GET", "/api/admin/fires", Surface::Throne},
      {"GET", "/api/tracking/signals", Surface::Tracking}, {"GET", "/api/tracking/stats", Surface::Tracking},
      {"GET", "/api/confidence/calibration", Surface::Confidence}, {"GET", "/api/confidence/models", Surface::Confidence},
  };
  for (const auto& c : cases) {
    auto r = req(c.method, c.path, c.surface);
    if (std::string(c.method) == "POST") r.body = "{}";
    EXPECT_EQ(call(r).status, 401) << c.method << " " << c.path;
    // A forged identity in a header, query or cookie changes nothing.
    r.headers["x-user-id"] = "u1";
    r.headers["cookie"] = "user_id=u1; bitten_session=forged";
    r.target += std::string(c.path).find('?') == std::string::npos ? "?user_id=u1" : "&user_id=u1";
    EXPECT_EQ(call(r).status, 401) << c.method << " " << c.path << " (forged)";
  }
  EXPECT_EQ(get("/api/me", "bt_" + std::string(64, 'a')).status, 401);
}

TEST_F(WebApp, PublicRoutesAndSurfaceSeparation) {
  EXPECT_NE(call(req("GET", "/healthz")).status, 401);
  EXPECT_EQ(call(req("GET", "/metrics", Surface::Confidence)).status, 200);
  auto trader = make_user("t1", "REAPER");
  // Admin routes do not exist on the trader port, trader routes not on the dashboards.
  EXPECT_EQ(get("/api/admin/users", trader).status, 404);
  EXPECT_EQ(get("/api/fires", trader, Surface::Tracking).status, 404);
  EXPECT_EQ(get("/api/tracking/stats", trader, Surface::Tracking).status, 200);
  EXPECT_EQ(call(req("DELETE", "/api/fire")).status, 405);
}

TEST_F(WebApp, NonAdminOnTheThroneIs403) {
  auto trader = make_user("t1", "FANG+");
  EXPECT_EQ(get("/api/admin/users", trader, Surface::Throne).status, 403);
  EXPECT_EQ(post("/api/admin/halt", {{"halted", true}}, trader, Surface::Throne).status, 403);
  // The Throne serves only admins, even routes other surfaces share with traders.
  EXPECT_EQ(get("/api/tracking/stats", trader, Surface::Throne).status, 403);
  auto admin = make_user("root", "COMMANDER", "admin");
  EXPECT_EQ(get("/api/admin/users", admin, Surface::Throne).status, 200);
}

TEST_F(WebApp, PressCannotFire) {
  auto press = make_user("p1", "PRESS");
  auto s = make_signal("SIG1");
  auto m = make_mission("p1", s.signal_id);
  auto r = post("/api/fire", {{"mission_id", m}, {"idempotency_key", "k1"}}, press);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body(r)["reason"], "tier_read_only");
  EXPECT_TRUE(outbox_.commands.empty());
}

TEST_F(WebApp, AnotherUsersMissionIsNotFound) {
  std::string mine;
  auto alice = ready_trader("alice", &mine);
  std::string bobs;
  ready_trader("bob", &bobs);
  EXPECT_EQ(get("/api/missions/" + bobs, alice).status, 404);
  EXPECT_EQ(post("/api/fire", {{"mission_id", bobs}, {"idempotency_key", "k1"}}, alice).status, 404);
  EXPECT_TRUE(outbox_.commands.empty());
  auto list = body(get("/api/missions", alice));
  ASSERT_EQ(list["missions"].size(), 1u);
  EXPECT_EQ(list["missions"][0]["mission_id"], mine);
}

TEST_F(WebApp, BriefShowsLotAndVerdict) {
  std::string m;
  auto t = ready_trader("alice", &m);
  auto r = get("/api/missions/" + m, t);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = body(r);
  EXPECT_TRUE(j["verdict"]["approved"].get<bool>()) << j.dump();
  EXPECT_GT(j["order"]["lot"].get<double>(), 0);
  EXPECT_EQ(j["signal"]["symbol"], "EURUSD");
}

TEST_F(WebApp, FireIsQueuedAndPushedThenDuplicatesReturnTheOriginal) {
  std::string m;
  auto t = ready_trader("alice", &m);
  // A user id in the body is ignored: the fire belongs to the token's user.
  auto r = post("/api/fire", {{"mission_id", m}, {"idempotency_key", "click-1"}, {"user_id", "mallory"}}, t);
  ASSERT_EQ(r.status, 202) << r.body;
  auto j = body(r);
  EXPECT_EQ(j["state"], "QUEUED");
  const std::string fire_id = j["fire_id"];
  ASSERT_EQ(outbox_.commands.size(), 1u);
  auto cmd = schema::decode_envelope(outbox_.commands[0].second);
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->type, "command");
  EXPECT_EQ(outbox_.commands[0].first, "cmd.ea-alice");
  EXPECT_EQ(cmd->data["kind"], "fire");
  EXPECT_EQ(cmd->data["command_id"], fire_id);
  EXPECT_EQ(cmd->data["target_uuid"], "ea-alice");
  EXPECT_LE(fire_id.size(), 31u);
  auto stored = store::FireRepo(*db_).get(fire_id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->user_id, "alice");
  ASSERT_FALSE(outbox_.events.empty());
  EXPECT_EQ(outbox_.events.back().first, "fire.alice");
  auto again = post("/api/fire", {{"mission_id", m}, {"idempotency_key", "click-1"}}, t);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(body(again)["fire_id"], fire_id);
  EXPECT_TRUE(body(again)["duplicate"].get<bool>());
  EXPECT_EQ(outbox_.commands.size(), 1u);  // never sent twice
  auto fires = body(get("/api/fires", t));
  EXPECT_EQ(fires["fires"].size(), 1u);
}

TEST_F(WebApp, FireTellsTheTruthWhenTheRouterIsUnreachable) {
  std::string m;
  auto t = ready_trader("alice", &m);
  outbox_.accept = false;
  auto r = post("/api/fire", {{"mission_id", m}, {"idempotency_key", "k"}}, t);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body(r)["state"], "UNDELIVERABLE");
  EXPECT_EQ(body(r)["reason"], "command_queue_unavailable");
  // The events tell it in order: QUEUED once, then UNDELIVERABLE last (a live view ends right).
  std::vector<std::string> states;
  for (const auto& [topic, data] : outbox_.events)
    if (topic == "fire.alice") states.push_back(data["state"]);
  EXPECT_EQ(states, (std::vector<std::string>{"QUEUED", "UNDELIVERABLE"}));
}

TEST_F(WebApp, GlobalKillSwitchThroughTheApiRefusesFiresAndIsAudited) {
  std::string m;
  auto t = ready_trader("alice", &m);
  auto admin = make_user("root", "COMMANDER", "admin");
  auto h = post("/api/admin/halt", {{"halted", true}, {"reason", "news spike"}}, admin, Surface::Throne);
  ASSERT_EQ(h.status, 200) << h.body;
  auto r = post("/api/fire", {{"mission_id", m}, {"idempotency_key", "k"}}, t);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(body(r)["state"], "REJECTED");
  EXPECT_EQ(body(r)["reason"], "global_halt");
  EXPECT_TRUE(outbox_.commands.empty());
  auto audit = body(get("/api/admin/audit", admin, Surface::Throne));
  ASSERT_FALSE(audit["entries"].empty());
  EXPECT_EQ(audit["entries"][0]["action"], "global_halt");
  EXPECT_EQ(audit["entries"][0]["actor"], "root");
  // Resume: a new mission fires.
  ASSERT_EQ(post("/api/admin/halt", {{"halted", false}}, admin, Surface::Throne).status, 200);
  auto s2 = make_signal("SIG_B");
  auto m2 = make_mission("alice", s2.signal_id);
  EXPECT_EQ(post("/api/fire", {{"mission_id", m2}, {"idempotency_key", "k2"}}, t).status, 202);
}

TEST_F(WebApp, PerUserKillSwitchRefusesOnlyThatUser) {
  std::string ma, mb;
  auto a = ready_trader("alice", &ma);
  auto b = ready_trader("bob", &mb);
  auto admin = make_user("root", "COMMANDER", "admin");
  ASSERT_EQ(post("/api/admin/users/alice/halt", {{"halted", true}, {"reason", "review"}}, admin, Surface::Throne).status, 200);
  auto ra = post("/api/fire", {{"mission_id", ma}, {"idempotency_key", "k"}}, a);
  EXPECT_EQ(ra.status, 422);
  EXPECT_EQ(body(ra)["reason"], "user_halted");
  EXPECT_EQ(post("/api/fire", {{"mission_id", mb}, {"idempotency_key", "k"}}, b).status, 202);
}

TEST_F(WebApp, AdminEditsTiersAndModels) {
  auto admin = make_user("root", "COMMANDER", "admin");
  make_user("t1", "PRESS");
  auto r = post("/api/admin/users/t1", {{"tier", "REAPER"}}, admin, Surface::Throne);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["tier"], "REAPER");
  EXPECT_EQ(post("/api/admin/users/t1", {{"tier", "GOD"}}, admin, Surface::Throne).status, 400);
  store::ModelRepo models(*db_);
  for (const char* v : {"m1", "m2"}) {
    store::ModelRecord mr;
    mr.version = v;
    mr.path = std::string("/models/") + v;
    mr.created_ns = clock_.now_ns();
    mr.metrics_json = R"({"auc":0.61})";
    ASSERT_TRUE(models.add(mr));
  }
  EXPECT_EQ(post("/api/admin/models/m1/promote", nlohmann::json::object(), admin, Surface::Throne).status, 200);
  EXPECT_EQ(post("/api/admin/models/m2/promote", nlohmann::json::object(), admin, Surface::Throne).status, 200);
  auto rb = post("/api/admin/models/rollback", nlohmann::json::object(), admin, Surface::Throne);
  ASSERT_EQ(rb.status, 200) << rb.body;
  EXPECT_EQ(body(rb)["current"], "m1");
  EXPECT_EQ(post("/api/admin/models/nope/promote", nlohmann::json::object(), admin, Surface::Throne).status, 404);
  auto audit = store::AuditRepo(*db_).recent(10);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), 4u);  // edit_user, promote x2, rollback
}

TEST_F(WebApp, TelegramSignInSetsAStrictHttpOnlySessionAndCsrfGuardsChanges) {
  make_user("ada", "COMMANDER", "trader", 777);
  auto login = req("POST", "/auth/telegram");
  login.body = widget(777, now_s()).dump();
  auto r = call(login);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sc = set_cookie(r, kSessionCookie);
  EXPECT_NE(sc.find("HttpOnly"), std::string::npos);
  EXPECT_NE(sc.find("SameSite=Strict"), std::string::npos);
  const std::string session = cookie_value(r, kSessionCookie);
  const std::string csrf = cookie_value(r, kCsrfCookie);
  ASSERT_EQ(session.size(), 64u);
  EXPECT_EQ(body(r)["user_id"], "ada");

  auto me = req("GET", "/api/me");
  me.headers["cookie"] = std::string(kSessionCookie) + "=" + session;
  EXPECT_EQ(call(me).status, 200);

  auto change = req("POST", "/api/mode");
  change.headers["cookie"] = std::string(kSessionCookie) + "=" + session;
  change.body = R"({"mode":"AUTO"})";
  EXPECT_EQ(call(change).status, 403);  // no CSRF header
  change.headers["x-csrf-token"] = std::string(64, '0');
  EXPECT_EQ(call(change).status, 403);  // wrong token
  change.headers["x-csrf-token"] = csrf;
  change.headers["origin"] = "http://evil.example";
  EXPECT_EQ(call(change).status, 403);  // cross-origin
  change.headers["origin"] = "http://localhost:8888";
  auto ok = call(change);
  EXPECT_EQ(ok.status, 200) << ok.body;

  // Replaying the same signed payload does not open a second session.
  auto replay = call(login);
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(body(replay)["error"], "replayed");

  // The session expires.
  clock_.advance((config_.session_ttl_s + 1) * 1'000'000'000LL);
  EXPECT_EQ(call(me).status, 401);
}

TEST_F(WebApp, BadOrStaleTelegramPayloadsAreRefused) {
  auto login = req("POST", "/auth/telegram");
  login.body = widget(777, now_s(), "999:wrong-bot").dump();
  EXPECT_EQ(call(login).status, 401);
  login.body = widget(777, now_s() - 3600).dump();
  auto stale = call(login);
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(body(stale)["error"], "auth_expired");
  // Unknown users join read-only (PRESS).
  login.body = widget(555, now_s()).dump();
  auto joined = call(login);
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(body(joined)["tier"], "PRESS");
  EXPECT_EQ(body(joined)["role"], "trader");
}

TEST_F(WebApp, LoginAndFireAreRateLimited) {
  auto login = req("POST", "/auth/telegram");
  login.body = widget(777, now_s(), "999:wrong").dump();
  int limited = 0;
  for (int i = 0; i < 10; ++i) limited += call(login).status == 429;
  EXPECT_EQ(limited, 5);  // burst 5
  std::string m;
  auto t = ready_trader("alice", &m);
  int fire_limited = 0;
  for (int i = 0; i < 8; ++i)
    fire_limited += post("/api/fire", {{"mission_id", m}, {"idempotency_key", std::string("k").append(std::to_string(i))}}, t).status == 429;
  EXPECT_EQ(fire_limited, 3);
}

TEST_F(WebApp, StaticFilesNeverEscapeTheWebRoot) {
  EXPECT_EQ(call(req("GET", "/")).body, "<html>trader</html>");
  EXPECT_EQ(call(req("GET", "/static/app.js")).status, 200);
  for (const char* p : {"/../secret.txt", "/%2e%2e/secret.txt", "/static/../../secret.txt", "/static/%2e%2e/%2e%2e/secret.txt",
                        "/..%2f..%2fsecret.txt", "/%252e%252e/secret.txt"})
    EXPECT_EQ(call(req("GET", p)).status, 404) << p;
  auto html = call(req("GET", "/"));
  bool csp = false;
  for (auto& [k, v] : html.headers) csp |= k == "Content-Security-Policy";
  EXPECT_TRUE(csp);
}

TEST_F(WebApp, HealthzIsTrueAndMetricsCarryDaemonCounters) {
  int status = 0;
  auto j = app_->healthz(status);
  EXPECT_EQ(status, 503);  // nobody heard yet
  EXPECT_EQ(j["daemons"]["event_bus"]["status"], "missing");
  heartbeat("event_bus");
  heartbeat("telemetry_bridge");
  make_signal("S24");
  j = app_->healthz(status);
  EXPECT_EQ(status, 200) << j.dump();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["signals_24h"], 1);
  EXPECT_EQ(j["active_fires"], 0);
  EXPECT_EQ(j["ea_connected"], 0);
  for (const char* k : {"status", "uptime", "signals_24h", "active_fires", "ea_connected", "daemons"})
    EXPECT_TRUE(j.contains(k)) << k;
  clock_.advance(3'100'000'000LL);
  heartbeat("event_bus");
  auto r = call(req("GET", "/healthz"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body(r)["daemons"]["telemetry_bridge"]["status"], "stale");
  auto metrics = call(req("GET", "/metrics")).body;
  EXPECT_NE(metrics.find("bitten_counter{daemon=\"telemetry_bridge\",name=\"ticks_in\"} 123"), std::string::npos);
  EXPECT_NE(metrics.find("bitten_gauge{daemon=\"event_bus\",name=\"queue\"} 1.5"), std::string::npos);
  EXPECT_NE(metrics.find("bitten_http_requests_total{surface=\"trader\",route=\"/healthz\",status=\"503\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("bitten_daemon_up{daemon=\"telemetry_bridge\"} 0"), std::string::npos);
}

TEST_F(WebApp, WebSocketAuthAndFanOutGoOnlyToEntitledUsers) {
  auto ws = req("GET", "/ws");
  EXPECT_TRUE(std::holds_alternative<Response>(app_->authorize_ws(ws)));
  auto alice = make_user("alice", "GLADIATOR");
  auto bob = make_user("bob", "GLADIATOR");
  auto throne_ws = req("GET", "/ws", Surface::Throne);
  throne_ws.headers["authorization"] = "Bearer " + alice;
  auto refused = app_->authorize_ws(throne_ws);
  ASSERT_TRUE(std::holds_alternative<Response>(refused));
  EXPECT_EQ(std::get<Response>(refused).status, 403);
  ws.headers["authorization"] = "Bearer " + alice;
  ws.headers["origin"] = "http://evil.example";
  EXPECT_TRUE(std::holds_alternative<Response>(app_->authorize_ws(ws)));
  ws.headers.erase("origin");
  auto pa = app_->authorize_ws(ws);
  ASSERT_TRUE(std::holds_alternative<Principal>(pa));
  std::vector<std::string> got_a, got_b;
  app_->ws_opened(std::get<Principal>(pa), Surface::Trader, [&](const WsPayload& m) { return got_a.push_back(*m), true; });
  Principal pb{"bob", "trader", "GLADIATOR", false, ""};
  app_->ws_opened(pb, Surface::Trader, [&](const WsPayload& m) { return got_b.push_back(*m), true; });

  // A fire event for alice reaches alice only.
  app_->on_bus_message("fire.alice", schema::encode(schema::Envelope{"fire", 1, "confirm_listener", 1, clock_.now_ns(),
                                                                      {{"fire_id", "F1"}, {"state", "FILLED"}}}));
  ASSERT_EQ(got_a.size(), 1u);
  EXPECT_TRUE(got_b.empty());
  EXPECT_EQ(nlohmann::json::parse(got_a[0])["data"]["state"], "FILLED");

  // An accepted signal reaches every trader; a mission offer only its owner.
  auto sig = make_signal("SIG_LIVE");
  make_mission("bob", sig.signal_id);
  schema::SignalMsg msg;
  msg.signal_id = sig.signal_id;
  msg.symbol = "EURUSD";
  msg.direction = "BUY";
  msg.pattern = "LIQUIDITY_SWEEP_REVERSAL";
  msg.timeframe = "M5";
  msg.signal_class = "RAPID";
  msg.session = "LONDON";
  msg.entry = 1.1;
  msg.sl = 1.098;
  msg.tp = 1.104;
  msg.detected_ns = clock_.now_ns();
  msg.score = schema::SignalScore{true, 0.7, 0.6, "m1", "model_accept", clock_.now_ns()};
  app_->on_bus_message("signal.EURUSD", schema::encode(schema::Envelope{"signal", 1, "ml_filter", 1, clock_.now_ns(),
                                                                         schema::to_json(msg)}));
  EXPECT_EQ(got_a.size(), 2u);
  EXPECT_EQ(got_b.size(), 1u);
  app_->on_timer();
  ASSERT_EQ(got_b.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(got_b[1])["type"], "mission");
  EXPECT_EQ(got_a.size(), 2u);
  app_->on_timer();
  EXPECT_EQ(got_b.size(), 2u);  // offered once
  // A client whose queue is full loses the message, and /metrics counts it.
  app_->ws_opened(std::get<Principal>(pa), Surface::Trader, [](const WsPayload&) { return false; });
  app_->on_bus_message("fire.alice", schema::encode(schema::Envelope{"fire", 1, "confirm_listener", 2, clock_.now_ns(),
                                                                      {{"fire_id", "F1"}, {"state", "CLOSED"}}}));
  EXPECT_EQ(got_a.size(), 3u);
  EXPECT_NE(call(req("GET", "/metrics")).body.find("\nbitten_ws_messages_dropped_total 1\n"), std::string::npos);
  (void)bob;
}

// A mission whose signal the market (the ticks' own time) has left a mission's lifetime behind is
// no longer listed, and firing it is refused as expired, whatever our clock says.
TEST_F(WebApp, MissionsTheMarketHasLeftBehindAreNotOffered) {
  auto t = make_user("alice", "GLADIATOR");
  auto sig = make_signal("SIG_WARMUP");
  make_mission("alice", sig.signal_id);
  auto market_tick = [&](int64_t event_ns) {
    schema::TickMsg m;
    m.symbol = "EURUSD";
    m.bid = 1.10000;
    m.ask = 1.10005;
    m.time_ns = event_ns;
    m.uuid = "ea-1";
    app_->on_bus_message("tick.EURUSD", schema::encode(schema::Envelope{"tick", 1, "telemetry_bridge", 77, clock_.now_ns(),
                                                                         schema::to_json(m)}));
  };
  market_tick(sig.detected_ns + 899 * kNsPerSec);
  EXPECT_EQ(body(get("/api/missions", t))["missions"].size(), 1u);
  market_tick(sig.detected_ns + 900 * kNsPerSec);
  EXPECT_EQ(body(get("/api/missions", t))["missions"].size(), 0u);
}

TEST_F(WebApp, BarsAreBuiltFromTicks) {
  auto t = make_user("alice", "GLADIATOR");
  for (int i = 0; i < 130; ++i) {
    tick("EURUSD", 1.1 + i * 1e-5, 1.1 + i * 1e-5 + 5e-5);
    clock_.advance(1'000'000'000LL);
  }
  auto r = body(get("/api/bars?symbol=EURUSD&tf=M1", t));
  EXPECT_GE(r["bars"].size(), 2u);
  EXPECT_EQ(get("/api/bars?symbol=EURUSD&tf=H4", t).status, 400);
}

TEST_F(WebApp, AnAccessTokenOpensABrowserSessionAndABadOneDoesNot) {
  std::string m;
  const std::string token = ready_trader("alice", &m);
  auto login = req("POST", "/auth/token");
  login.body = nlohmann::json{{"token", token}}.dump();
  auto r = call(login);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["user_id"], "alice");
  const std::string session = cookie_value(r, kSessionCookie);
  ASSERT_EQ(session.size(), 64u);
  EXPECT_NE(set_cookie(r, kSessionCookie).find("HttpOnly"), std::string::npos);
  auto me = req("GET", "/api/me");
  me.headers["cookie"] = std::string(kSessionCookie) + "=" + session;
  EXPECT_EQ(call(me).status, 200);

  login.body = nlohmann::json{{"token", "bt_" + std::string(64, 'a')}}.dump();
  EXPECT_EQ(call(login).status, 401);
  login.body = R"({"token": 42})";
  EXPECT_EQ(call(login).status, 400);
}

// Each risk rule's refusal reaches the trader through POST /api/fire as 422 with its reason code
// (the engine's own tests prove each rule; this proves the API carries every one of them).
TEST_F(WebApp, RiskRefusalsSurfaceThroughTheApiWithTheirReason) {
  constexpr int64_t kSec = 1'000'000'000LL;
  auto fire = [&](const std::string& token, const std::string& mission, const std::string& key) {
    return post("/api/fire", {{"mission_id", mission}, {"idempotency_key", key}}, token);
  };
  auto expect_refused = [&](const Response& r, const std::string& reason) {
    EXPECT_EQ(r.status, 422) << reason << ": " << r.body;
    EXPECT_EQ(body(r)["reason"], reason) << r.body;
    EXPECT_EQ(body(r)["state"], "REJECTED") << r.body;
  };
  std::string m;

  // Quotes: the spread, the stop and the target are judged against the live quote.
  auto t1 = ready_trader("spread", &m);
  tick("EURUSD", 1.10000, 1.10090);
  expect_refused(fire(t1, m, "k1"), "spread_too_wide");
  auto t2 = ready_trader("stop", &m);
  tick("EURUSD", 1.09700, 1.09705);
  expect_refused(fire(t2, m, "k2"), "stop_breached");
  auto t3 = ready_trader("target", &m);
  tick("EURUSD", 1.10500, 1.10505);
  expect_refused(fire(t3, m, "k3"), "target_passed");

  // The trader's own state: no EA, a SNIPER signal for a RAPID-only tier.
  auto t4 = make_user("noea", "GLADIATOR");
  auto s4 = make_signal("SIG_noea");
  tick("EURUSD", 1.10000, 1.10005);
  expect_refused(fire(t4, make_mission("noea", s4.signal_id), "k4"), "ea_not_linked");
  auto t5 = make_user("rapidonly", "GLADIATOR");
  link_ea("rapidonly", "ea-rapidonly");
  auto s5 = make_signal("SIG_sniper", "SNIPER");
  expect_refused(fire(t5, make_mission("rapidonly", s5.signal_id), "k5"), "signal_class_not_allowed");

  // Slots (GLADIATOR has one) and one fire per mission.
  auto t6 = ready_trader("slots", &m);
  ASSERT_EQ(fire(t6, m, "k6a").status, 202);
  expect_refused(fire(t6, m, "k6b"), "mission_already_fired");
  auto s6 = make_signal("SIG_slots2");
  expect_refused(fire(t6, make_mission("slots", s6.signal_id), "k6c"), "slots_full");

  // Time: the EA goes quiet past its TTL; later the mission itself expires.
  auto t7 = ready_trader("quiet", &m);
  clock_.advance(120 * kSec);
  tick("EURUSD", 1.10000, 1.10005);
  expect_refused(fire(t7, m, "k7"), "ea_offline");
  link_ea("quiet", "ea-quiet");  // it heartbeats again...
  clock_.advance(800 * kSec);    // ...but the mission is now 920 s old
  link_ea("quiet", "ea-quiet");
  tick("EURUSD", 1.10000, 1.10005);
  expect_refused(fire(t7, m, "k8"), "mission_expired");
}

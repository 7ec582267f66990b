#pragma once
// A socket-free App over a real SQLite store in a temp folder, with a fake clock and outbox.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/health.hpp"
#include "bitten/schema/tick.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "crypto.hpp"
#include "test_paths.hpp"

namespace bitten::webapp::testing {

inline constexpr int64_t kStartNs = 1'760'000'000LL * 1'000'000'000LL;
inline constexpr const char* kBotToken = "123456:TEST-bot-token-for-unit-tests";

struct FakeOutbox : Outbox {
  bool accept = true;
  bool defer = false;  // keep the callbacks to run later
  std::vector<std::pair<std::string, std::string>> commands;
  std::vector<std::pair<std::string, nlohmann::json>> events;
  std::vector<std::function<void(bool)>> pending;
  void send_command(std::string topic, std::string payload, std::function<void(bool)> done) override {
    commands.emplace_back(std::move(topic), std::move(payload));
    if (defer) pending.push_back(std::move(done));
    else done(accept);
  }
  void publish_event(std::string topic, std::string, nlohmann::json data) override {
    events.emplace_back(std::move(topic), std::move(data));
  }
};

class AppFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bitten-webapp-" + std::to_string(::getpid()) + "-" + crypto::random_hex(4));
    std::filesystem::create_directories(dir_ / "web" / "trader");
    std::filesystem::create_directories(dir_ / "web" / "static");
    write(dir_ / "web" / "trader" / "index.html", "<html>trader</html>");
    write(dir_ / "web" / "static" / "app.js", "console.log(1)");
    write(dir_ / "secret.txt", "TOP SECRET");
    auto db = store::Database::open({(dir_ / "bitten.db").string()});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::make_unique<store::Database>(std::move(*db));
    auto risk = risk::load_risk_config(test::source_root() + "/config/risk.json");
    ASSERT_TRUE(risk) << risk.error().message;
    risk_ = *risk;
    auto sym = SymbolTable::load_file(test::source_root() + "/config/symbols.json");
    ASSERT_TRUE(sym) << sym.error().message;
    symbols_ = std::make_unique<SymbolTable>(std::move(*sym));
    config_.web_root = (dir_ / "web").string();
    config_.expected_daemons = {"event_bus", "telemetry_bridge"};
    configure(config_);
    app_ = std::make_unique<App>(AppDeps{config_, *db_, risk_, *symbols_, clock_, outbox_, kBotToken});
  }
  virtual void configure(WebConfig&) {}
  void TearDown() override {
    app_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static void write(const std::filesystem::path& p, const std::string& s) {
    std::ofstream(p) << s;
  }

  Response call(Request req) {
    std::optional<Response> out;
    app_->handle(req, [&](Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "no synchronous reply for " << req.method << " " << req.target;
    return out.value_or(Response{});
  }
  static Request req(std::string method, std::string target, Surface s = Surface::Trader) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.surface = s;
    r.remote_ip = "127.0.0.1";
    r.headers["host"] = "localhost:8888";
    return r;
  }
  Response get(const std::string& target, const std::string& token, Surface s = Surface::Trader) {
    auto r = req("GET", target, s);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return call(r);
  }
  Response post(const std::string& target, const nlohmann::json& body, const std::string& token,
                Surface s = Surface::Trader) {
    auto r = req("POST", target, s);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    r.body = body.dump();
    return call(r);
  }
  static nlohmann::json body(const Response& r) { return nlohmann::json::parse(r.body, nullptr, false); }

  // A user with an API token.
  std::string make_user(const std::string& id, const std::string& tier, const std::string& role = "trader",
                        std::optional<int64_t> telegram = std::nullopt) {
    store::UserRecord u;
    u.user_id = id;
    u.tier = tier;
    u.role = role;
    u.telegram_id = telegram;
    u.display_name = id;
    u.created_ns = u.updated_ns = clock_.now_ns();
    EXPECT_TRUE(store::UserRepo(*db_).create(u));
    auto t = store::AuthRepo(*db_).create_api_token(id, "test", clock_.now_ns());
    EXPECT_TRUE(t);
    return t->token;
  }
  void link_ea(const std::string& user, const std::string& uuid) {
    store::EaReport r;
    r.uuid = uuid;
    r.account_login = "1001";
    r.broker = "TestBroker";
    r.currency = "USD";
    r.leverage = 100;
    r.balance = r.equity = r.free_margin = 10'000;
    r.seen_ns = clock_.now_ns();
    ASSERT_TRUE(store::EaRepo(*db_).upsert(r));
    ASSERT_TRUE(store::EaRepo(*db_).bind_user(uuid, user));
  }
  store::SignalRecord make_signal(const std::string& id, const std::string& cls = "RAPID") {
    store::SignalRecord s;
    s.signal_id = id;
    s.symbol = "EURUSD";
    s.direction = "BUY";
    s.pattern = "LIQUIDITY_SWEEP_REVERSAL";
    s.timeframe = "M5";
    s.signal_class = cls;
    s.session = "LONDON";
    s.entry = 1.10000;
    s.sl = 1.09800;
    s.tp = 1.10400;
    s.sl_pips = 20;
    s.tp_pips = 40;
    s.rr = 2;
    s.confidence = 78;
    s.atr_pips = 10;
    s.spread_pips = 0.5;
    s.accepted = true;
    s.probability = 0.71;
    s.model_version = "m1";
    s.detected_ns = s.bar_time_ns = s.created_ns = clock_.now_ns();
    s.source = "elite_guard";
    EXPECT_TRUE(store::SignalRepo(*db_).insert(s));
    return s;
  }
  std::string make_mission(const std::string& user, const std::string& signal_id) {
    store::MissionRecord m;
    m.mission_id = "M_" + user + "_" + signal_id;
    m.user_id = user;
    m.signal_id = signal_id;
    m.lot_preview = 0.5;
    m.created_ns = clock_.now_ns();
    m.expires_ns = clock_.now_ns() + 900LL * 1'000'000'000LL;
    auto r = store::MissionRepo(*db_).create(m);
    EXPECT_TRUE(r);
    return m.mission_id;
  }
  void tick(const std::string& symbol, double bid, double ask) {
    schema::TickMsg t;
    t.symbol = symbol;
    t.bid = bid;
    t.ask = ask;
    t.time_ns = clock_.now_ns();
    t.uuid = "ea-1";
    app_->on_bus_message("tick." + symbol,
                         schema::encode(schema::Envelope{"tick", 1, "telemetry_bridge", ++seq_, clock_.now_ns(), schema::to_json(t)}));
  }
  void heartbeat(const std::string& daemon, int64_t interval_ms = 1000) {
    schema::HealthMsg h;
    h.daemon = daemon;
    h.pid = 42;
    h.status = "ok";
    h.interval_ms = interval_ms;
    h.counters["ticks_in"] = 123;
    h.gauges["queue"] = 1.5;
    app_->on_bus_message("health." + daemon,
                         schema::encode(schema::Envelope{"health", 1, daemon, ++seq_, clock_.now_ns(), schema::to_json(h)}));
  }

  std::filesystem::path dir_;
  FakeClock clock_{kStartNs};
  FakeOutbox outbox_;
  WebConfig config_;
  std::unique_ptr<store::Database> db_;
  risk::RiskConfig risk_;
  std::unique_ptr<SymbolTable> symbols_;
  std::unique_ptr<App> app_;
  uint64_t seq_ = 0;
};

}  // namespace bitten::webapp::testing

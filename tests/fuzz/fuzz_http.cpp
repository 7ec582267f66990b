// The webapp's HTTP front door on arbitrary bytes: Beast's request parser configured as HttpServer
// configures it (16 KiB header limit, max_body_bytes body limit, eager), then every request that
// parses goes through App::handle (or App::authorize_ws for upgrades), as HttpSession does, against
// a real SQLite store in a temp folder with traders, an admin, an EA, signals, missions and models.
//
// Seeds (tests/fuzz/seeds/http) are real requests with placeholders the harness fills in after the
// parse, so the fuzzer gets past authentication: @TRADER@ @CMDR@ @PRESS@ @ADMIN@ (API tokens),
// @SESSION@ / @CSRF@ (the trader's session cookie and its CSRF token), @NOW@ (the clock's seconds),
// and @HASH@ (the Telegram hash the body/query needs: widget fields of /auth/telegram and its
// callback, init_data of /auth/webapp, signed with the test bot token).
//
// Checks: exactly one reply per request, a valid status, JSON bodies that parse, no CR/LF/NUL in
// any header, and the reply converts and serialises as HttpServer writes it.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <variant>

#include <unistd.h>

#include "app.hpp"
#include "beast_convert.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/model_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"
#include "crypto.hpp"
#include "telegram_auth.hpp"
#include "test_paths.hpp"
#include "url.hpp"

using namespace bitten;
using namespace bitten::webapp;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr int64_t kStartNs = 1'760'000'000LL * 1'000'000'000LL;
constexpr const char* kBotToken = "123456:TEST-bot-token-for-unit-tests";
constexpr int64_t kYearNs = 365LL * 86'400LL * 1'000'000'000LL;

struct Outbox final : webapp::Outbox {
  bool accept = true;
  void send_command(std::string, std::string, std::function<void(bool)> done) override { done(accept); }
  void publish_event(std::string, std::string, nlohmann::json data) override { (void)data.dump(); }
};

void write_file(const std::filesystem::path& p, const std::string& s) { std::ofstream(p) << s; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

struct World {
  std::filesystem::path dir;
  FakeClock clock{kStartNs};
  Outbox outbox;
  WebConfig config;
  std::unique_ptr<store::Database> db;
  risk::RiskConfig risk;
  std::unique_ptr<SymbolTable> symbols;
  std::unique_ptr<App> app;
  std::map<std::string, std::string> tokens;  // placeholder -> value
  std::string session;
  uint64_t seq = 0;
  uint64_t inputs = 0;

  World() {
    dir = std::filesystem::temp_directory_path() / ("bitten-fuzz-http-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    for (const char* s : {"trader", "throne", "tracking", "confidence", "static"})
      std::filesystem::create_directories(dir / "web" / s);
    for (const char* s : {"trader", "throne", "tracking", "confidence"})
      write_file(dir / "web" / s / "index.html", std::string("<html>") + s + "</html>");
    std::filesystem::create_directories(dir / "web" / "trader" / "sub");
    write_file(dir / "web" / "trader" / "sub" / "index.html", "<html>sub</html>");
    write_file(dir / "web" / "trader" / "app.js", "console.log(1)");
    write_file(dir / "web" / "static" / "app.css", "body{}");
    write_file(dir / "web" / "static" / "app.js", "console.log(2)");
    write_file(dir / "secret.txt", "TOP SECRET");
    std::error_code ec;
    std::filesystem::create_symlink(dir / "secret.txt", dir / "web" / "trader" / "leak.txt", ec);

    auto d = store::Database::open({(dir / "bitten.db").string()});
    if (!d) std::abort();
    db = std::make_unique<store::Database>(std::move(*d));
    auto r = risk::load_risk_config(test::source_root() + "/config/risk.json");
    if (!r) std::abort();
    risk = *r;
    auto sym = SymbolTable::load_file(test::source_root() + "/config/symbols.json");
    if (!sym) std::abort();
    symbols = std::make_unique<SymbolTable>(std::move(*sym));
    config.web_root = (dir / "web").string();
    config.charts_js = (dir / "web" / "static" / "app.js").string();
    config.bot_username = "bitten_test_bot";
    config.expected_daemons = {"event_bus", "telemetry_bridge"};
    app = std::make_unique<App>(AppDeps{config, *db, risk, *symbols, clock, outbox, kBotToken});

    tokens["@TRADER@"] = make_user("trader", "GLADIATOR", "trader", 424242);
    tokens["@CMDR@"] = make_user("cmdr", "COMMANDER", "trader", 515151);
    tokens["@PRESS@"] = make_user("press", "PRESS", "trader", std::nullopt);
    tokens["@ADMIN@"] = make_user("root", "COMMANDER", "admin", 1);
    link_ea("trader", "ea-trader");
    link_ea("cmdr", "ea-cmdr");
    for (const char* id : {"SIG_1", "SIG_2"}) make_signal(id);
    for (const char* u : {"trader", "cmdr", "press"})
      for (const char* s : {"SIG_1", "SIG_2"}) make_mission(u, s);
    store::ModelRepo models(*db);
    for (const char* v : {"m1", "m2"}) {
      store::ModelRecord m;
      m.version = v;
      m.path = std::string("models/") + v + ".json";
      m.created_ns = clock.now_ns();
      m.metrics_json = R"({"auc":0.61,"n":1200})";
      (void)models.add(m);
    }
    (void)models.promote("m1", clock.now_ns());
    (void)models.promote("m2", clock.now_ns());
    // A live signal from 5557 (the golden example) and a heartbeat.
    app->on_bus_message("signal.EURUSD", slurp(test::source_root() + "/proto/examples/signal.json"));
    app->on_bus_message("health.event_bus", slurp(test::source_root() + "/proto/examples/health.json"));
    restore();
  }

  ~World() {
    app.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string make_user(const std::string& id, const std::string& tier, const std::string& role,
                        std::optional<int64_t> telegram) {
    store::UserRecord u;
    u.user_id = id;
    u.tier = tier;
    u.role = role;
    u.telegram_id = telegram;
    u.display_name = id;
    u.created_ns = u.updated_ns = clock.now_ns();
    if (!store::UserRepo(*db).create(u)) std::abort();
    auto t = store::AuthRepo(*db).create_api_token(id, "fuzz", clock.now_ns());
    if (!t) std::abort();
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
    r.seen_ns = clock.now_ns();
    (void)store::EaRepo(*db).upsert(r);
    (void)store::EaRepo(*db).bind_user(uuid, user);
  }
  void make_signal(const std::string& id) {
    store::SignalRecord s;
    s.signal_id = id;
    s.symbol = "EURUSD";
    s.direction = "BUY";
    s.pattern = "LIQUIDITY_SWEEP_REVERSAL";
    s.timeframe = "M5";
    s.signal_class = "RAPID";
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
    s.detected_ns = s.bar_time_ns = s.created_ns = clock.now_ns();
    s.source = "elite_guard";
    (void)store::SignalRepo(*db).insert(s);
  }
  void make_mission(const std::string& user, const std::string& signal_id) {
    store::MissionRecord m;
    m.mission_id = "M_" + user + "_" + signal_id;
    m.user_id = user;
    m.signal_id = signal_id;
    m.lot_preview = 0.5;
    m.created_ns = clock.now_ns();
    m.expires_ns = clock.now_ns() + 100 * kYearNs;
    (void)store::MissionRepo(*db).create(m);
  }

  // Puts back what a previous input may have changed (roles, tiers, halts, EA bindings, the
  // session), so that each input meets the same fixture.
  void restore() {
    const int64_t now = clock.now_ns();
    store::UserRepo users(*db);
    static constexpr const char* kUsers[][3] = {{"trader", "GLADIATOR", "trader"}, {"cmdr", "COMMANDER", "trader"},
                                                {"press", "PRESS", "trader"}, {"root", "COMMANDER", "admin"}};
    for (const auto& [id, tier, role] : kUsers) {
      (void)users.set_tier(id, tier, now);
      (void)users.set_role(id, role, now);
      (void)users.set_halted(id, false, "", now);
    }
    (void)store::SystemRepo(*db).set_global_halt(false, "", "fuzz", now);
    store::EaRepo eas(*db);
    for (const char* u : {"trader", "cmdr"}) {
      (void)eas.set_blocked(std::string("ea-") + u, false);
      (void)eas.bind_user(std::string("ea-") + u, std::string(u));
    }
    store::AuthRepo auth(*db);
    bool live = false;
    if (!session.empty()) {
      auto s = auth.verify_session(session, now);
      live = s && *s;
    }
    if (!live) {
      auto c = auth.create_session("trader", now, 100 * kYearNs);
      if (!c) std::abort();
      session = *c;
    }
    tokens["@SESSION@"] = session;
    tokens["@CSRF@"] = csrf_token_for(session);
  }

  void tick() {
    schema::TickMsg t;
    t.symbol = "EURUSD";
    t.bid = 1.10000;
    t.ask = 1.10005;
    t.time_ns = clock.now_ns();
    t.uuid = "ea-trader";
    app->on_bus_message("tick.EURUSD", schema::encode(schema::Envelope{"tick", 1, "telemetry_bridge", ++seq,
                                                                        clock.now_ns(), schema::to_json(t)}));
  }

  void fill(std::string& s) const {
    if (s.find('@') == std::string::npos) return;
    for (const auto& [k, v] : tokens) replace_all(s, k, v);
    replace_all(s, "@NOW@", std::to_string(clock.now_ns() / 1'000'000'000LL));
  }

  // @HASH@ becomes the hash Telegram would have sent for the fields around it.
  void sign(Request& r) const {
    const bool in_body = r.body.find("@HASH@") != std::string::npos;
    const bool in_target = r.target.find("@HASH@") != std::string::npos;
    if (!in_body && !in_target) return;
    auto split = split_target(r.target);
    auto path = url_decode(split.path, false);
    if (in_target && path && *path == "/auth/telegram/callback") {
      replace_all(r.target, "@HASH@", telegram_login_hash(parse_query(split.query), kBotToken));
      return;
    }
    if (!in_body) return;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object()) return;
    if (path && *path == "/auth/webapp") {
      if (!j.contains("init_data") || !j["init_data"].is_string()) return;
      std::map<std::string, std::string> fields;
      for (auto& [k, v] : parse_query_pairs(j["init_data"].get<std::string>())) fields.emplace(k, v);
      replace_all(r.body, "@HASH@", telegram_webapp_hash(fields, kBotToken));
    } else {
      std::map<std::string, std::string> fields;  // as App::auth_telegram reads them
      for (auto& [k, v] : j.items()) {
        if (v.is_string()) fields[k] = v.get<std::string>();
        else if (v.is_number_integer()) fields[k] = std::to_string(v.get<int64_t>());
      }
      replace_all(r.body, "@HASH@", telegram_login_hash(fields, kBotToken));
    }
  }
};

// Which listener: the port in the Host header (the four surfaces' defaults), else the trader's.
Surface surface_of(const http::request<http::string_body>& in) {
  auto host = in[http::field::host];
  if (host.ends_with(":8899")) return Surface::Throne;
  if (host.ends_with(":8890")) return Surface::Tracking;
  if (host.ends_with(":8891")) return Surface::Confidence;
  return Surface::Trader;
}

bool clean(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

void check_response(Response&& r, unsigned version, bool keep_alive) {
  if (r.status < 100 || r.status > 599) __builtin_trap();
  if (r.content_type == "application/json" && !r.body.empty() && !nlohmann::json::accept(r.body)) __builtin_trap();
  if (!clean(r.content_type)) __builtin_trap();
  for (const auto& [k, v] : r.headers)
    if (k.empty() || !clean(k) || !clean(v)) __builtin_trap();
  // HttpServer's conversion, then the bytes it would write.
  auto res = to_beast(std::move(r), version, keep_alive);
  std::ostringstream out;
  out << res;
}

void serve(World& w, const http::request<http::string_body>& in) {
  Request r = to_request(in, surface_of(in), "127.0.0.1");
  w.fill(r.target);
  for (auto& [_, v] : r.headers) w.fill(v);
  w.fill(r.body);
  w.sign(r);
  if (beast::websocket::is_upgrade(in)) {
    if (r.target != "/ws" && r.target.rfind("/ws?", 0) != 0) return;  // 404 from the session
    auto verdict = w.app->authorize_ws(r);
    if (auto* refusal = std::get_if<Response>(&verdict)) return check_response(std::move(*refusal), in.version(), false);
    const auto id = w.app->ws_opened(std::get<Principal>(verdict), r.surface, [](const WsPayload&) { return true; });
    w.app->on_bus_message("signal.EURUSD", slurp(test::source_root() + "/proto/examples/signal.json"));
    w.app->ws_closed(id);
    return;
  }
  int replies = 0;
  w.app->handle(r, [&](Response resp) {
    ++replies;
    check_response(std::move(resp), in.version(), in.keep_alive());
  });
  if (replies != 1) __builtin_trap();
  if (r.method != "GET" && r.method != "HEAD") w.restore();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  w.clock.advance(5'000'000'000LL);  // keeps the sign-in and fire rate limits from closing for good
  w.outbox.accept = (++w.inputs % 7) != 0;
  w.tick();
  if (w.inputs % 64 == 0) w.app->on_timer();

  // HttpSession: one parser per request, pipelined requests read from the same buffer, the
  // connection dropped on any parse error (413/431 for the limits).
  beast::flat_buffer buffer;
  auto in = buffer.prepare(size);
  if (size) std::memcpy(in.data(), data, size);
  buffer.commit(size);
  for (int n = 0; n < 8; ++n) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(w.config.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(16 * 1024));
    parser.eager(true);
    beast::error_code ec;
    while (!parser.is_done()) {
      if (buffer.size() == 0) {  // the peer closed: what http::read does at end of stream
        if (parser.got_some()) parser.put_eof(ec);
        else ec = http::error::end_of_stream;
        break;
      }
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) {
          if (parser.got_some()) parser.put_eof(ec);
          else ec = http::error::end_of_stream;
          break;
        }
        continue;
      }
      if (ec) break;
    }
    if (ec || !parser.is_done()) break;
    auto req = parser.release();
    serve(w, req);
    if (!req.keep_alive()) break;
  }
  return 0;
}

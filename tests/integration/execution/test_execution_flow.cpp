// The money path over ipc:// with real loops and one real SQLite file: a scored signal becomes
// missions and an auto-fire, the router delivers the exact v2.05 bytes to a DEALER playing the EA,
// its confirmation lands as FILLED; duplicates and restarts send nothing twice; an offline EA and
// a duplicate identity make fires UNDELIVERABLE; Telegram gets the mission button.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/schema/tick.hpp"
#include "exec_fixture.hpp"
#include "fake_telegram.hpp"
#include "listener_loop.hpp"
#include "relay_loop.hpp"
#include "router_helpers.hpp"
#include "router_loop.hpp"

namespace bitten::execution {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using messaging::Socket;
using messaging::SocketType;
using store::FireState;

template <class F>
bool wait_for(F cond, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return cond();
}

struct Sink {
  std::mutex mu;
  std::vector<Event> events;
  std::function<void(const Event&)> fn() {
    return [this](const Event& e) {
      std::lock_guard l(mu);
      events.push_back(e);
    };
  }
  bool has(const std::string& topic, const std::string& state = "") {
    std::lock_guard l(mu);
    for (auto& e : events)
      if (e.topic == topic && (state.empty() || e.data.value("state", "") == state)) return true;
    return false;
  }
};

// A daemon loop on its own thread with its own database connection.
struct Running {
  std::atomic<bool> stop{false}, ready{false};
  std::thread thread;
  ~Running() { halt(); }
  void halt() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  bool wait_ready() { return wait_for([&] { return ready.load(); }); }
};

class execution_Flow : public ::testing::Test {
 protected:
  void SetUp() override {
    base = "ipc:///tmp/bitten-it-exec-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    rcfg.queue_pull = base + "-queue";
    rcfg.router_bind = base + "-router";
    lcfg.confirm_pull = base + "-confirm";
    lcfg.market_sub = "";
    pcfg.signals_sub = base + "-signals";
    pcfg.market_sub = base + "-market";
    pcfg.command_push = rcfg.queue_pull;
  }
  void start_router(Running& r) {
    r.thread = std::thread([this, &r] {
      auto db = open_db(w.db_path);
      runtime::Health h("command_router", SystemClock::instance());
      RouterOptions o;
      o.ea_ttl_ns = risk_config().ea_ttl_s * kSec;
      auto st = run_router_loop(rcfg, o, {db, symbols(), h, SystemClock::instance(), sink.fn()},
                                [&] { return r.stop.load(); }, [&] { r.ready = true; });
      EXPECT_TRUE(st.ok()) << st.error().message;
    });
    ASSERT_TRUE(r.wait_ready());
  }
  void start_listener(Running& r) {
    r.thread = std::thread([this, &r] {
      auto db = open_db(w.db_path);
      runtime::Health h("confirm_listener", SystemClock::instance());
      auto st = run_listener_loop(lcfg, {db, symbols(), h, SystemClock::instance(), sink.fn()},
                                  [&] { return r.stop.load(); }, [&] { r.ready = true; });
      EXPECT_TRUE(st.ok()) << st.error().message;
    });
    ASSERT_TRUE(r.wait_ready());
  }
  void start_relay(Running& r, TelegramNotifier* tg) {
    r.thread = std::thread([this, &r, tg] {
      auto db = open_db(w.db_path);
      runtime::Health h("signal_relay", SystemClock::instance());
      IdGenerator ids(99);
      auto st = run_relay_loop(pcfg, {db, risk_config(), symbols(), ids, h, SystemClock::instance(), sink.fn(), tg},
                               [&] { return r.stop.load(); }, [&] { r.ready = true; });
      EXPECT_TRUE(st.ok()) << st.error().message;
    });
    ASSERT_TRUE(r.wait_ready());
  }
  // A DEALER playing the v2.05 EA: identity = UUID, HELLO on connect.
  std::unique_ptr<Socket> ea(const std::string& uuid, const std::string& node, const std::string& identity = "") {
    messaging::SocketOptions o;
    o.identity = identity.empty() ? uuid : identity;
    o.linger_ms = 0;
    auto s = std::make_unique<Socket>(SocketType::Dealer, o);
    EXPECT_TRUE(s->connect(rcfg.router_bind).ok());
    EXPECT_TRUE(*s->send_one(hello_payload(uuid, node)));
    return s;
  }
  std::optional<std::string> recv_within(Socket& s, std::chrono::milliseconds t) {
    std::optional<std::string> got;
    wait_for([&] {
      auto f = s.recv(true);
      if (f) got = f->back();
      return got.has_value();
    }, t);
    return got;
  }
  void push(Socket& q, const schema::CommandMsg& m) {
    auto f = queue_frames(m, SystemClock::instance().now_ns());
    ASSERT_TRUE(*q.send(f));
  }
  schema::CommandMsg ping(const std::string& uuid, const std::string& id) {
    schema::CommandMsg p;
    p.command_id = id;
    p.kind = "ping";
    p.target_uuid = uuid;
    p.user_id = "u";
    return p;
  }
  store::FireState state_of(const std::string& fire_id) {
    auto db = open_db(w.db_path);
    auto f = store::FireRepo(db).get(fire_id);
    return f.ok() && f->has_value() ? (*f)->state : FireState::REQUESTED;
  }

  static inline int counter = 0;
  World w;
  Sink sink;
  std::string base;
  RouterConfig rcfg;
  ListenerConfig lcfg;
  RelayConfig pcfg;
};

TEST_F(execution_Flow, SignalAutoFireDeliveredOnceAndFilled) {
  const int64_t now = SystemClock::instance().now_ns();
  w.add_user("cmdr", "COMMANDER", 555, "AUTO");
  w.add_ea("EA_CMDR", "cmdr", now);
  testing::FakeTelegram tg_server;
  TelegramNotifier tg({tg_server.url(), "TKN", 100, 3, 10, 50, 2000});
  ASSERT_TRUE(tg.start().ok());
  Running router, listener, relay;
  start_router(router);
  start_listener(listener);
  auto dealer = ea("EA_CMDR", "NODE_1");
  ASSERT_TRUE(wait_for([&] { return sink.has("ea.hello"); }));

  Socket sig_pub(SocketType::Pub), tick_pub(SocketType::Pub);
  ASSERT_TRUE(sig_pub.bind(pcfg.signals_sub).ok());
  ASSERT_TRUE(tick_pub.bind(pcfg.market_sub).ok());
  start_relay(relay, &tg);

  // Publish the quote and the (idempotent) signal until the EA receives its fire.
  schema::EnvelopeWriter sw("ml_filter"), tw("telemetry_bridge");
  auto sig = signal_msg("SIG_IT_1", now - 5 * kSec, 0.9);
  std::optional<std::string> cmd;
  for (int i = 0; i < 500 && !cmd; ++i) {
    schema::TickMsg t{"EURUSD", 1.10000, 1.10010, 10, SystemClock::instance().now_ns(), "EA_CMDR", ""};
    ASSERT_TRUE(*tick_pub.send_topic("tick.EURUSD", tw.encode("tick", t.time_ns, schema::to_json(t))));
    if (i % 5 == 4) {
      ASSERT_TRUE(*sig_pub.send_topic("signal.EURUSD", sw.encode("signal", now, schema::to_json(sig))));
    }
    cmd = recv_within(*dealer, 20ms);
  }
  ASSERT_TRUE(cmd.has_value()) << "the EA never received the auto-fire";
  auto parsed = ea::ea_parse_command(*cmd, "EA_CMDR");
  ASSERT_EQ(parsed.kind, ea::EaCommandKind::Fire);
  const std::string fire_id = parsed.fire.fire_id;
  EXPECT_EQ(state_of(fire_id), FireState::SENT);
  EXPECT_TRUE(sink.has("mission.cmdr"));
  ASSERT_TRUE(wait_for([&] { return !tg_server.requests().empty(); }));
  EXPECT_NE(tg_server.requests()[0].body.find("inline_keyboard"), std::string::npos);

  // The EA executes and confirms on 5558.
  Socket confirm(SocketType::Push);
  ASSERT_TRUE(confirm.connect(lcfg.confirm_pull).ok());
  ea::EaAccount acct{"NODE_1", "EA_CMDR", 1234567, "USD", 10000, 10000, 9000, 2000};
  auto c = ea::ea_make_confirmation(acct, "fire", true, 777001, 1.10011, parsed.fire.lot, ea::kEaFireSuccessMessage,
                                    fire_id, "2025.09.15 19:41:20");
  ASSERT_TRUE(*confirm.send_one(ea::ea_encode_confirmation(c)));
  ASSERT_TRUE(wait_for([&] { return state_of(fire_id) == FireState::FILLED; }));
  EXPECT_TRUE(sink.has("fire.cmdr", "FILLED"));

  // The same command pushed again, and again after a router restart: the EA sees only the pings
  // that follow (PUSH/PULL keeps order, so each ping proves the duplicate before it was handled).
  Socket queue(SocketType::Push);
  ASSERT_TRUE(queue.connect(rcfg.queue_pull).ok());
  schema::CommandMsg dup;
  dup.command_id = fire_id;
  dup.kind = "fire";
  dup.target_uuid = "EA_CMDR";
  dup.user_id = "cmdr";
  dup.symbol = "EURUSD";
  dup.direction = "BUY";
  dup.sl = parsed.fire.sl;
  dup.tp = parsed.fire.tp;
  dup.lot = parsed.fire.lot;
  push(queue, dup);
  push(queue, ping("EA_CMDR", "ping_1"));
  auto next = recv_within(*dealer, 5s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(ea::ea_parse_command(*next, "EA_CMDR").kind, ea::EaCommandKind::Ping);

  router.halt();
  Running router2;
  start_router(router2);
  ASSERT_TRUE(*dealer->send_one(heartbeat_payload("EA_CMDR", "NODE_1")));
  push(queue, dup);
  push(queue, ping("EA_CMDR", "ping_2"));
  next = recv_within(*dealer, 5s);
  ASSERT_TRUE(next.has_value());
  auto p2 = ea::ea_parse_command(*next, "EA_CMDR");
  EXPECT_EQ(p2.kind, ea::EaCommandKind::Ping);
  EXPECT_EQ(p2.ping_id, "ping_2");
  EXPECT_EQ(state_of(fire_id), FireState::FILLED);
  tg.stop();
}

TEST_F(execution_Flow, OfflineEaAndDuplicateIdentityMakeFiresUndeliverable) {
  const int64_t now = SystemClock::instance().now_ns();
  w.add_user("u1", "COMMANDER");
  w.add_user("u2", "COMMANDER");
  // EA_U1 last reported before the TTL: its fire was decided back then (when it was online).
  const int64_t then = now - (risk_config().ea_ttl_s + 30) * kSec;
  w.add_ea("EA_U1", "u1", then - kSec);
  w.quotes.q["EURUSD"] = {1.10000, 1.10010, then};
  auto f1 = w.queue_fire("u1", "S1", then);
  w.add_ea("EA_U2", "u2", now);
  w.quotes.q["EURUSD"] = {1.10000, 1.10010, now};
  auto f2 = w.queue_fire("u2", "S2", now);

  Running router;
  start_router(router);
  // Two terminals claim EA_U2: the real one, then a rogue on another node and identity.
  auto real = ea("EA_U2", "NODE_REAL");
  ASSERT_TRUE(wait_for([&] { return sink.has("ea.hello"); }));
  auto rogue = ea("EA_U2", "NODE_ROGUE", "ROGUE_ID");
  ASSERT_TRUE(wait_for([&] { return sink.has("alert.ea_duplicate"); }));

  Socket queue(SocketType::Push);
  ASSERT_TRUE(queue.connect(rcfg.queue_pull).ok());
  push(queue, fire_command(*f1.command, "u1", now));
  push(queue, fire_command(*f2.command, "u2", now));
  ASSERT_TRUE(wait_for([&] { return state_of(f1.fire_id) == FireState::UNDELIVERABLE; }));
  ASSERT_TRUE(wait_for([&] { return state_of(f2.fire_id) == FireState::UNDELIVERABLE; }));
  EXPECT_EQ(w.fire(f1.fire_id).reason, "ea_offline");
  EXPECT_EQ(w.fire(f2.fire_id).reason, "ea_blocked");
  EXPECT_TRUE(sink.has("fire.u1", "UNDELIVERABLE"));
  EXPECT_TRUE(sink.has("fire.u2", "UNDELIVERABLE"));
  EXPECT_FALSE(recv_within(*real, 50ms).has_value());
  EXPECT_FALSE(recv_within(*rogue, 50ms).has_value());
}

}  // namespace
}  // namespace bitten::execution

// A simulated EA against real sockets: the test binds a ROUTER (ROUTER_MANDATORY) for 5555 and
// PULLs for 5556/5558 on 127.0.0.1 ephemeral ports, and drives fire -> confirmation -> SL/TP close,
// close_ticket, close_all, ping/pong, unknown commands, wrong-UUID commands and both polling modes.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "bitten/ea/commands.hpp"
#include "bitten/ea/decoder.hpp"
#include "bitten/messaging/socket.hpp"
#include "sim_runner.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;
using messaging::Socket;
using messaging::SocketType;

namespace {
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}

struct Server {
  Socket router{SocketType::Router, [] {
                  messaging::SocketOptions o;
                  o.router_mandatory = true;
                  o.linger_ms = 0;
                  return o;
                }()};
  Socket telemetry{SocketType::Pull, messaging::SocketOptions{1000, 100000, 0, 1 << 20, false, "", -1}};
  Socket confirm{SocketType::Pull, messaging::SocketOptions{1000, 100000, 0, 1 << 20, false, "", -1}};
  Server() {
    EXPECT_TRUE(router.bind("tcp://127.0.0.1:*"));
    EXPECT_TRUE(telemetry.bind("tcp://127.0.0.1:*"));
    EXPECT_TRUE(confirm.bind("tcp://127.0.0.1:*"));
  }
};

// Steps the replay one second at a time (and polls, for instant mode) until `done` or the deadline.
template <class Pred>
bool drive_until(SimRunner& r, bool instant, Pred done, int max_replay_s = 7200) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int s = 0; s < max_replay_s && std::chrono::steady_clock::now() < deadline; ++s) {
    if (done()) return true;
    r.advance_to(r.replay_now_ns() + kNsPerSecond);
    if (instant) r.poll_commands();
    // Paced (at most ~5,000 replay seconds per wall second): a command still crossing TCP on a
    // loaded machine must not find the replay already at the end of its data.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return done();
}

// Waits (bounded, wall clock) for one message on a socket while the replay stands still.
std::optional<messaging::Frames> wait_msg(Socket& s, SimRunner* r = nullptr, bool instant = false) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto f = s.recv(true)) return f;
    if (r && instant) r->poll_commands();
    std::this_thread::yield();
  }
  return std::nullopt;
}

struct Rig {
  Server server;
  std::unique_ptr<SimRunner> runner;
  std::string uuid;
  ea::Decoder decoder;

  explicit Rig(bool chart_poll, const std::string& chart = "EURUSD") {
    SimConfig c;
    c.telemetry_endpoint = server.telemetry.last_endpoint();
    c.command_endpoint = server.router.last_endpoint();
    c.confirm_endpoint = server.confirm.last_endpoint();
    c.loop = false;
    c.seed = 99;
    c.chart_symbol = chart;
    c.poll_on_chart_tick = chart_poll;
    c.sndhwm = 100000;
    std::vector<SymbolFeed> feeds;
    feeds.push_back(*load_feed(make_feed("EURUSD", FeedFormat::LeanTicks,
                                         test::source_root() + "/tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"),
                               *symbols().find("EURUSD")));
    feeds.push_back(*load_feed(make_feed("XAUUSD", FeedFormat::LeanM1,
                                         test::source_root() + "/tests/data/replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
                               *symbols().find("XAUUSD")));
    runner = std::make_unique<SimRunner>(c, symbols(), std::move(feeds));
    EXPECT_TRUE(runner->open(0));
    uuid = runner->ea(0).uuid();
    // HELLO arrives on the ROUTER as [identity, payload] with identity = the UUID, no NUL.
    auto hello = wait_msg(server.router);
    EXPECT_TRUE(hello);
    EXPECT_EQ(hello->size(), 2u);
    EXPECT_EQ((*hello)[0], uuid);
    auto m = decoder.decode((*hello)[1]);
    EXPECT_TRUE(m && std::holds_alternative<ea::Hello>(*m));
    runner->advance_to(runner->replay_now_ns() + 5 * kNsPerSecond);
  }
  void send(const std::string& payload) {
    auto r = server.router.send({uuid, payload});
    ASSERT_TRUE(r && *r) << "ROUTER_MANDATORY refused the identity";
  }
  // The next reply on 5558, replaying until it comes.
  ea::EaMessage reply(bool instant) {
    std::optional<messaging::Frames> got;
    drive_until(*runner, instant, [&] { return (got = server.confirm.recv(true)).has_value(); });
    EXPECT_TRUE(got) << "no reply on 5558";
    if (!got) return ea::Pong{};
    auto m = decoder.decode((*got)[0]);
    EXPECT_TRUE(m) << (*got)[0];
    return m ? *m : ea::EaMessage{ea::Pong{}};
  }
};
}  // namespace

TEST(EaSimRouter, FireConfirmationThenStopOrTargetFromTheReplay) {
  Rig rig(true);
  const SimEa& ea = rig.runner->ea(0);
  ea::FireCommand fire{rig.uuid, "SIM_IT_FIRE_1", "EURUSD", ea::Direction::Buy, 0, 0, 0, 0.10};
  // A tight bracket on the ECB day: one side is reached within minutes. The current quote is read
  // from the TICK stream the EA sends; TCP delivery lags the replay, so drain everything that has
  // arrived and step the replay only when the socket is empty (bounded by wall time and replay time).
  double mid = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int stepped = 0; mid == 0 && stepped < 3600 && std::chrono::steady_clock::now() < deadline;) {
    if (auto f = rig.server.telemetry.recv(true)) {
      if (auto m = rig.decoder.decode((*f)[0]); m && std::holds_alternative<ea::Tick>(*m) && std::get<ea::Tick>(*m).symbol == "EURUSD")
        mid = std::get<ea::Tick>(*m).bid;
    } else {
      rig.runner->advance_to(rig.runner->replay_now_ns() + kNsPerSecond);
      ++stepped;
      std::this_thread::yield();
    }
  }
  ASSERT_GT(mid, 0);
  fire.sl = mid - 0.0010;
  fire.tp = mid + 0.0010;
  rig.send(*ea::encode_fire(fire, 5));
  auto conf = rig.reply(false);
  ASSERT_TRUE(std::holds_alternative<ea::Confirmation>(conf));
  const auto& c = std::get<ea::Confirmation>(conf);
  EXPECT_EQ(c.status, "success") << c.message;
  EXPECT_EQ(c.fire_id, "SIM_IT_FIRE_1");
  EXPECT_EQ(c.user_uuid, rig.uuid);
  EXPECT_GE(c.ticket, 10'000'000);
  EXPECT_DOUBLE_EQ(c.lot, 0.10);
  ASSERT_EQ(ea.broker().positions().size(), 1u);
  EXPECT_EQ(ea.broker().positions()[0].ticket, c.ticket);

  // The replay moves price through SL or TP; BUY exits on the bid.
  ASSERT_TRUE(drive_until(*rig.runner, false, [&] { return !ea.broker().history().empty(); }));
  const ClosedTrade& t = ea.broker().history()[0];
  EXPECT_EQ(t.position.ticket, c.ticket);
  EXPECT_TRUE(t.reason == CloseReason::StopLoss || t.reason == CloseReason::TakeProfit);
  if (t.reason == CloseReason::StopLoss) EXPECT_LE(t.close_price, fire.sl + 1e-9);
  else EXPECT_GE(t.close_price, fire.tp - 1e-9);
  EXPECT_NEAR(ea.broker().account().balance, 10'000 + t.profit, 1e-6);

  // The same fire again is a second order: the counters prove how often each fire_id arrived.
  EXPECT_EQ(ea.counters().fires_received.at("SIM_IT_FIRE_1"), 1u);
  EXPECT_EQ(ea.counters().fires_executed.at("SIM_IT_FIRE_1"), 1u);

  // close_ticket of an open position.
  fire.fire_id = "SIM_IT_FIRE_2";
  fire.sl = fire.tp = 0;
  rig.send(*ea::encode_fire(fire, 5));
  auto c2 = std::get<ea::Confirmation>(rig.reply(false));
  ASSERT_EQ(c2.status, "success");
  rig.send(*ea::encode_close_ticket(rig.uuid, c2.ticket));
  auto cc = rig.reply(false);
  ASSERT_TRUE(std::holds_alternative<ea::CloseConfirmation>(cc));
  EXPECT_EQ(std::get<ea::CloseConfirmation>(cc).command_type, "close_ticket");
  EXPECT_EQ(std::get<ea::CloseConfirmation>(cc).status, "success");
  EXPECT_EQ(std::get<ea::CloseConfirmation>(cc).ticket, c2.ticket);
  EXPECT_DOUBLE_EQ(std::get<ea::CloseConfirmation>(cc).lot, 0.10);
  // Closing it again: not found.
  rig.send(*ea::encode_close_ticket(rig.uuid, c2.ticket));
  EXPECT_EQ(std::get<ea::CloseConfirmation>(rig.reply(false)).message, "Position not found");

  // close_all with two positions.
  fire.fire_id = "SIM_IT_FIRE_3";
  rig.send(*ea::encode_fire(fire, 5));
  fire.fire_id = "SIM_IT_FIRE_4";
  fire.direction = ea::Direction::Sell;
  rig.send(*ea::encode_fire(fire, 5));
  EXPECT_EQ(std::get<ea::Confirmation>(rig.reply(false)).status, "success");
  EXPECT_EQ(std::get<ea::Confirmation>(rig.reply(false)).status, "success");
  rig.send(*ea::encode_close_all(rig.uuid));
  auto all = std::get<ea::CloseConfirmation>(rig.reply(false));
  EXPECT_EQ(all.command_type, "close_all");
  EXPECT_EQ(all.status, "success");
  EXPECT_DOUBLE_EQ(all.lot, 0.20);
  EXPECT_EQ(all.message, "Closed 2 positions, 0 failed, Total volume: 0.20");
  EXPECT_TRUE(ea.broker().positions().empty());
}

TEST(EaSimRouter, PingUnknownAndWrongUuid) {
  Rig rig(true);
  // A command for another UUID is dropped without a reply: the next reply is the pong.
  rig.send(R"({"type":"ping","target_uuid":"SOMEONE_ELSE_42","ping_id":"not_mine"})");
  rig.send(*ea::encode_ping(rig.uuid, "ping_1"));
  auto pong = rig.reply(false);
  ASSERT_TRUE(std::holds_alternative<ea::Pong>(pong));
  EXPECT_EQ(std::get<ea::Pong>(pong).ping_id, "ping_1");
  EXPECT_EQ(rig.runner->ea(0).counters().ignored, 1u);

  rig.send(R"({"type":"modify_sl","target_uuid":")" + rig.uuid + R"(","ticket":1,"sl":1.1})");
  auto u = rig.reply(false);
  ASSERT_TRUE(std::holds_alternative<ea::Confirmation>(u));
  EXPECT_EQ(std::get<ea::Confirmation>(u).command_type, "unknown");
  EXPECT_EQ(std::get<ea::Confirmation>(u).status, "failed");
  EXPECT_EQ(std::get<ea::Confirmation>(u).message, "Unknown command type: modify_sl");
}

TEST(EaSimRouter, ChartPollingQuirkReadsCommandsOnlyOnChartTicks) {
  // Chart symbol XAUUSD: synthetic ticks only every ~5 s, EURUSD ticks many times a second.
  Rig rig(true, "XAUUSD");
  std::set<int64_t> chart_seconds;
  for (const auto& q : rig.runner->feeds()[1].quotes) chart_seconds.insert(q.time_ns / kNsPerSecond);
  for (int i = 0; i < 5; ++i) {
    std::string id = "p";
    id += std::to_string(i);
    rig.send(*ea::encode_ping(rig.uuid, id));
    auto pong = rig.reply(false);
    ASSERT_TRUE(std::holds_alternative<ea::Pong>(pong));
    // Read at a chart tick: the reply's timestamp is the second of an XAUUSD tick.
    EXPECT_TRUE(chart_seconds.count(std::get<ea::Pong>(pong).broker_epoch)) << std::get<ea::Pong>(pong).timestamp;
  }
}

TEST(EaSimRouter, InstantPollingAnswersWithoutReplayProgress) {
  Rig rig(false);
  const int64_t before = rig.runner->replay_now_ns();
  rig.send(*ea::encode_ping(rig.uuid, "instant"));
  auto got = wait_msg(rig.server.confirm, rig.runner.get(), true);
  ASSERT_TRUE(got);
  EXPECT_EQ(rig.runner->replay_now_ns(), before);
  auto m = rig.decoder.decode((*got)[0]);
  ASSERT_TRUE(m && std::holds_alternative<ea::Pong>(*m));
}

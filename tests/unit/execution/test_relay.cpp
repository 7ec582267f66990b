// SignalRelay on a real SQLite file: signals stored once, missions for eligible users only, lot
// previews, notifications, and auto-fire through the same FireService as a manual fire.
#include <gtest/gtest.h>

#include "bitten/execution/signal_relay.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/store/system_repo.hpp"
#include "exec_fixture.hpp"

namespace bitten::execution {
namespace {

using namespace testing;
using store::FireState;

class execution_Relay : public ::testing::Test {
 protected:
  void SetUp() override {
    w.add_user("press", "PRESS", 101);
    w.add_user("glad", "GLADIATOR", 102);                 // RAPID only, manual
    w.add_user("reaper", "REAPER");                       // no Telegram
    w.add_user("cmdr_auto", "COMMANDER", 104, "AUTO");
    w.add_user("cmdr_sel", "COMMANDER", 105);
    w.add_user("glad_auto", "GLADIATOR", 106, "AUTO");    // AUTO mode but the tier cannot auto-fire
    w.add_user("halted", "COMMANDER", 107, "AUTO");
    ASSERT_TRUE(store::UserRepo(w.db).set_halted("halted", true, "test", kNow).ok());
    for (auto u : {"glad", "reaper", "cmdr_auto", "cmdr_sel", "glad_auto", "halted"}) w.add_ea(std::string("EA_") + u, u);
  }
  std::vector<std::string> frames(const schema::SignalMsg& s, uint64_t seq_skip = 0) {
    for (uint64_t i = 0; i < seq_skip; ++i) writer.next_seq("signal");
    return {"signal." + s.symbol, writer.encode("signal", kNow, schema::to_json(s))};
  }
  std::set<std::string> users_with(const std::string& topic_prefix) {
    std::set<std::string> u;
    for (auto& e : out.events)
      if (e.topic.rfind(topic_prefix, 0) == 0) u.insert(e.topic.substr(topic_prefix.size()));
    return u;
  }

  World w;
  runtime::Health health{"signal_relay", SystemClock::instance()};
  RelayOutput out;
  schema::EnvelopeWriter writer{"ml_filter"};
};

TEST_F(execution_Relay, AcceptedRapidSignalBecomesMissionsForEligibleUsers) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow - 10 * kSec)), kNow, w.quotes.source(), out);
  EXPECT_EQ(users_with("mission."), (std::set<std::string>{"glad", "reaper", "cmdr_auto", "cmdr_sel", "glad_auto"}));
  auto m = store::MissionRepo(w.db).find("cmdr_sel", "S1");
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_GT((*m)->lot_preview, 0);
  EXPECT_EQ((*m)->expires_ns, kNow + risk_config().mission_expiry_s * kSec);
  // Telegram only for users with a chat id, with the mission link as the button.
  ASSERT_EQ(out.notifications.size(), 4u);
  for (auto& n : out.notifications) {
    EXPECT_NE(n.button_url.find(n.mission_id), std::string::npos);
    EXPECT_NE(n.text.find("EURUSD BUY"), std::string::npos);
  }
}

// A signal the market has left a mission's lifetime behind (the latest EURUSD tick's event time is
// kNow: the EA simulator's warm-up history, a backlog) is stored but offers no mission and fires
// nothing. Other symbols' market time does not count, and without ticks nothing is judged stale.
TEST_F(execution_Relay, StaleAcceptedSignalIsStoredButOffersNoMission) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  w.quotes.q["EURUSD"].event_ns = kNow;
  const int64_t age = risk_config().mission_expiry_s * kSec;
  r.on_frames(frames(signal_msg("S_OLD", kNow - age)), kNow, w.quotes.source(), out);
  EXPECT_TRUE(users_with("mission.").empty());
  EXPECT_TRUE(out.notifications.empty());
  EXPECT_TRUE(store::SignalRepo(w.db).get("S_OLD")->has_value());
  EXPECT_FALSE(store::MissionRepo(w.db).find("cmdr_auto", "S_OLD")->has_value());
  EXPECT_EQ(health.get("missions_skipped_stale"), 1u);
  // One second younger than a mission's lifetime still counts as live.
  out.clear();
  r.on_frames(frames(signal_msg("S_YOUNG", kNow - age + kSec)), kNow, w.quotes.source(), out);
  EXPECT_FALSE(users_with("mission.").empty());
  // Event time days behind our clock (a replay) is live when the market is there too.
  w.quotes.q["EURUSD"].event_ns = kNow - 6 * 86400 * kSec;
  w.quotes.q["XAUUSD"] = {2000.0, 2000.3, kNow, kNow};
  out.clear();
  r.on_frames(frames(signal_msg("S_REPLAY", kNow - 6 * 86400 * kSec - 60 * kSec)), kNow, w.quotes.source(), out);
  EXPECT_FALSE(users_with("mission.").empty());
}

TEST_F(execution_Relay, SniperSignalSkipsRapidOnlyTiersAndRejectedSignalsAreOnlyStored) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S2", kNow, 0.9, true, "SNIPER")), kNow, w.quotes.source(), out);
  EXPECT_EQ(users_with("mission."), (std::set<std::string>{"reaper", "cmdr_auto", "cmdr_sel"}));
  out.clear();
  r.on_frames(frames(signal_msg("S3", kNow, 0.3, false)), kNow, w.quotes.source(), out);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(store::SignalRepo(w.db).get("S3")->has_value());
}

TEST_F(execution_Relay, AutoFireOnlyForAutoModeTiersThatAllowItAndQueuesTheCommand) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow - 10 * kSec, 0.8)), kNow, w.quotes.source(), out);
  ASSERT_EQ(out.commands.size(), 1u);
  EXPECT_EQ(out.commands[0].user_id, "cmdr_auto");
  EXPECT_EQ(out.commands[0].topic, "cmd.EA_cmdr_auto");
  auto env = schema::decode_envelope(out.commands[0].payload);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->type, "command");
  auto cmd = schema::command_from_json(env->data);
  ASSERT_TRUE(cmd.ok());
  auto f = w.fire(cmd->command_id);
  EXPECT_EQ(f.state, FireState::QUEUED);
  EXPECT_EQ(f.mode, "AUTO");
  EXPECT_EQ(cmd->lot, f.lot);
  EXPECT_TRUE(users_with("fire.").count("cmdr_auto"));

  // The same signal again (a republish): no new mission event, no second fire.
  out.clear();
  r.on_frames(frames(signal_msg("S1", kNow - 10 * kSec, 0.8)), kNow + kSec, w.quotes.source(), out);
  EXPECT_TRUE(out.commands.empty());
  EXPECT_TRUE(users_with("mission.").empty());
  EXPECT_EQ(health.get("signals_duplicate"), 1u);
  EXPECT_EQ(health.get("auto_fire_duplicates"), 1u);
}

TEST_F(execution_Relay, AutoFireNeedsTheMinimumProbability) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow, risk_config().auto_min_probability - 0.01)), kNow, w.quotes.source(), out);
  EXPECT_TRUE(out.commands.empty());
  r.on_frames(frames(signal_msg("S4", kNow, std::nullopt)), kNow, w.quotes.source(), out);  // cold start, not allowed
  EXPECT_TRUE(out.commands.empty());
  EXPECT_FALSE(users_with("mission.").empty());
}

TEST_F(execution_Relay, RiskRefusalIsRecordedAndPublished) {
  ASSERT_TRUE(store::SystemRepo(w.db).set_global_halt(true, "test", "admin", kNow).ok());
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow, 0.9)), kNow, w.quotes.source(), out);
  EXPECT_TRUE(out.commands.empty());
  bool rejected = false;
  for (auto& e : out.events)
    if (e.topic == "fire.cmdr_auto" && e.data["state"] == "REJECTED" && e.data["reason"] == "global_halt") rejected = true;
  EXPECT_TRUE(rejected);
}

TEST_F(execution_Relay, PushFailureMakesTheFireUndeliverable) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow, 0.9)), kNow, w.quotes.source(), out);
  ASSERT_EQ(out.commands.size(), 1u);
  auto c = out.commands[0];
  r.on_command_push_failed(c, kNow, out);
  EXPECT_EQ(w.fire(c.fire_id).state, FireState::UNDELIVERABLE);
  EXPECT_EQ(w.fire(c.fire_id).reason, "command_queue_unavailable");
}

TEST_F(execution_Relay, SeqGapsAndBadInputAreCounted) {
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  r.on_frames(frames(signal_msg("S1", kNow, 0.1, false)), kNow, w.quotes.source(), out);
  r.on_frames(frames(signal_msg("S2", kNow, 0.1, false), 3), kNow, w.quotes.source(), out);
  EXPECT_EQ(health.get("seq_gaps"), 3u);
  r.on_frames({"signal.X"}, kNow, w.quotes.source(), out);
  r.on_frames({"signal.X", "nope"}, kNow, w.quotes.source(), out);
  r.on_frames({"signal.X", writer.encode("tick", kNow, nlohmann::json::object())}, kNow, w.quotes.source(), out);
  EXPECT_EQ(health.get("drop_bad_frames"), 1u);
  EXPECT_EQ(health.get("drop_not_json"), 1u);
  EXPECT_EQ(health.get("drop_unknown_type"), 1u);
}

}  // namespace
}  // namespace bitten::execution

namespace bitten::execution {
namespace {

using namespace testing;

// A signal that arrives while another connection holds the write lock beyond the busy timeout is
// not lost: it is kept, later signals queue behind it, and the timer processes them in order once
// the lock is gone: stored, missions offered, the auto-fire queued once.
TEST(execution_RelayRetry, SignalsRefusedByABusyDatabaseAreKeptAndProcessedInOrderLater) {
  World w;
  w.add_user("cmdr_auto", "COMMANDER", 104, "AUTO");
  w.add_ea("EA_cmdr_auto", "cmdr_auto");
  runtime::Health health{"signal_relay", SystemClock::instance()};
  schema::EnvelopeWriter writer{"ml_filter"};
  RelayOutput out;
  ASSERT_TRUE(w.db.set_busy_timeout(20).ok());
  SignalRelay r(w.db, risk_config(), symbols(), w.ids, {}, health);
  auto frames = [&](const schema::SignalMsg& s) {
    return std::vector<std::string>{"signal." + s.symbol, writer.encode("signal", kNow, schema::to_json(s))};
  };
  auto locker = open_db(w.db_path);
  locker.sql().exec("BEGIN EXCLUSIVE");
  r.on_frames(frames(signal_msg("S1", kNow - 10 * kSec)), kNow, w.quotes.source(), out);
  r.on_frames(frames(signal_msg("S2", kNow - 9 * kSec)), kNow, w.quotes.source(), out);
  r.on_frames(frames(signal_msg("S1", kNow - 10 * kSec)), kNow, w.quotes.source(), out);  // a repeat
  EXPECT_EQ(r.pending_signals(), 2u);
  EXPECT_EQ(health.get("signals_deferred"), 2u);
  EXPECT_GE(health.get("db_errors"), 1u);
  r.on_timer(kNow + kSec, w.quotes.source(), out);  // still locked: both kept
  EXPECT_EQ(r.pending_signals(), 2u);
  EXPECT_TRUE(out.commands.empty());
  locker.sql().exec("COMMIT");
  r.on_timer(kNow + 2 * kSec, w.quotes.source(), out);
  EXPECT_EQ(r.pending_signals(), 0u);
  EXPECT_EQ(health.get("signals_retried"), 2u);
  EXPECT_TRUE(store::SignalRepo(w.db).get("S1")->has_value());
  EXPECT_TRUE(store::SignalRepo(w.db).get("S2")->has_value());
  EXPECT_TRUE(store::MissionRepo(w.db).find("cmdr_auto", "S1")->has_value());
  EXPECT_TRUE(store::MissionRepo(w.db).find("cmdr_auto", "S2")->has_value());
  // The auto-fires went out after the retry, and a later timer sends none again.
  ASSERT_FALSE(out.commands.empty());
  const size_t commands = out.commands.size();
  r.on_timer(kNow + 3 * kSec, w.quotes.source(), out);  // nothing left: nothing again
  EXPECT_EQ(out.commands.size(), commands);
  EXPECT_EQ(health.get("signals_retried"), 2u);
}

}  // namespace
}  // namespace bitten::execution

// CommandRouter on a real SQLite file: registry from HELLO/HEARTBEAT, duplicate identity blocks,
// a fire is sent at most once (duplicates, restarts), undeliverable fires are recorded with a reason.
#include <gtest/gtest.h>

#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/execution/command_router.hpp"
#include "bitten/store/ea_repo.hpp"
#include "exec_fixture.hpp"
#include "router_helpers.hpp"

namespace bitten::execution {
namespace {

using namespace testing;
using store::FireState;

class execution_Router : public ::testing::Test {
 protected:
  void SetUp() override {
    w.add_user("u1", "COMMANDER");
    w.add_ea("EA_U1", "u1");
  }
  RouterOptions opts() {
    RouterOptions o;
    o.ea_ttl_ns = risk_config().ea_ttl_s * kSec;
    return o;
  }
  void hello(CommandRouter& r, const std::string& uuid, int64_t now, const std::string& node = "",
             const std::string& identity = "") {
    out.clear();
    r.on_ea_frames({identity.empty() ? uuid : identity, hello_payload(uuid, node)}, now, out);
  }
  // Routes a command and plays the socket: every send "succeeds" unless told otherwise.
  void route(CommandRouter& r, const schema::CommandMsg& m, int64_t now, bool deliver = true) {
    out.clear();
    r.on_queue_frames(queue_frames(m, now), now, out);
    auto sends = out.sends;
    out.sends.clear();
    for (auto& s : sends) {
      sent.push_back(s);
      r.on_send_result(s, deliver, now, out);
    }
  }
  bool has_event(const std::string& topic_prefix, const std::string& state = "") {
    for (auto& e : out.events)
      if (e.topic.rfind(topic_prefix, 0) == 0 && (state.empty() || e.data.value("state", "") == state)) return true;
    return false;
  }

  World w;
  runtime::Health health{"command_router", SystemClock::instance()};
  RouterOutput out;
  std::vector<OutboundCommand> sent;
};

TEST_F(execution_Router, HelloRegistersUpsertsAndPublishes) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow);
  ASSERT_NE(r.registry().find("EA_U1"), nullptr);
  EXPECT_TRUE(has_event("ea.hello"));
  auto row = store::EaRepo(w.db).get("EA_U1");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->last_seen_ns, kNow);
  EXPECT_EQ((*row)->account_login, "1234567");
  // REQ-style framing is accepted too; other frame counts are counted and dropped.
  out.clear();
  r.on_ea_frames({"EA_U1", "", heartbeat_payload("EA_U1")}, kNow + kSec, out);
  EXPECT_TRUE(has_event("ea.heartbeat"));
  r.on_ea_frames({"EA_U1"}, kNow, out);
  r.on_ea_frames({"EA_U1", "not json"}, kNow, out);
  r.on_ea_frames({"EA_U1", std::string(70'000, '{')}, kNow, out);
  EXPECT_EQ(health.get("ea_drop_bad_frames"), 1u);
  EXPECT_EQ(health.get("ea_drop_not_json"), 1u);
  EXPECT_EQ(health.get("ea_drop_too_large"), 1u);
}

TEST_F(execution_Router, HeartbeatUpsertsAreRateLimited) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow);
  for (int i = 1; i <= 5; ++i) r.on_ea_frames({"EA_U1", heartbeat_payload("EA_U1")}, kNow + i * kSec / 10, out);
  EXPECT_EQ(health.get("ea_upserts_rate_limited"), 5u);
  r.on_ea_frames({"EA_U1", heartbeat_payload("EA_U1")}, kNow + 2 * kSec, out);
  EXPECT_EQ((*store::EaRepo(w.db).get("EA_U1"))->last_seen_ns, kNow + 2 * kSec);
}

TEST_F(execution_Router, FireIsEncodedExactlyAndSentOnce) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow);
  auto f = w.queue_fire("u1", "S1");
  auto cmd = fire_command(*f.command, "u1", kNow);
  route(r, cmd, kNow + kSec);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].identity, "EA_U1");
  EXPECT_TRUE(has_event("fire.u1", "SENT"));
  EXPECT_EQ(w.fire(f.fire_id).state, FireState::SENT);
  // SENT was committed before the send, and the event after it carries that row.
  ASSERT_TRUE(sent[0].fire.has_value());
  EXPECT_EQ(sent[0].fire->state, FireState::SENT);
  EXPECT_EQ(w.fire(f.fire_id).sent_ns, kNow + kSec);
  // The EA reads it as a fire for itself, with the fire_id as the order comment.
  auto parsed = ea::ea_parse_command(sent[0].payload, "EA_U1");
  EXPECT_EQ(parsed.kind, ea::EaCommandKind::Fire);
  EXPECT_EQ(parsed.fire.fire_id, f.fire_id);
  EXPECT_EQ(parsed.fire.direction, "BUY");
  EXPECT_EQ(sent[0].payload.rfind("{\"type\":\"fire\",\"target_uuid\":\"EA_U1\",\"fire_id\":\"" + f.fire_id, 0), 0u);

  // The same queue message again, then a new router on the same database (a restart): nothing.
  route(r, cmd, kNow + 2 * kSec);
  CommandRouter restarted(w.db, symbols(), opts(), health);
  hello(restarted, "EA_U1", kNow + 3 * kSec);
  route(restarted, cmd, kNow + 3 * kSec);
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(health.get("fire_not_queued"), 2u);
}

TEST_F(execution_Router, UnknownOfflineAndUnroutableFiresAreUndeliverable) {
  CommandRouter r(w.db, symbols(), opts(), health);
  // EA_U1's row says it was seen 5 s ago (a previous router process): it is tried by identity,
  // and ROUTER_MANDATORY refusing the send makes it "unroutable".
  auto f1 = w.queue_fire("u1", "S1");
  route(r, fire_command(*f1.command, "u1", kNow), kNow, /*deliver=*/false);
  EXPECT_EQ(w.fire(f1.fire_id).state, FireState::UNDELIVERABLE);
  EXPECT_EQ(w.fire(f1.fire_id).reason, "unroutable");
  EXPECT_TRUE(has_event("fire.u1", "UNDELIVERABLE"));

  // Registered, then silent beyond the TTL.
  hello(r, "EA_U1", kNow);
  auto f2 = w.queue_fire("u1", "S2");
  const int64_t later = kNow + (risk_config().ea_ttl_s + 1) * kSec;
  route(r, fire_command(*f2.command, "u1", later), later);
  EXPECT_EQ(w.fire(f2.fire_id).reason, "ea_offline");
  EXPECT_FALSE(w.fire(f2.fire_id).sent_ns.has_value());  // the SENT taken on the way was rolled back

  // A ping to an EA nobody has ever seen.
  schema::CommandMsg ping;
  ping.command_id = "ping_1757965280";
  ping.kind = "ping";
  ping.target_uuid = "EA_NOBODY";
  ping.user_id = "u9";
  route(r, ping, kNow);
  ASSERT_TRUE(has_event("fire.u9", "UNDELIVERABLE"));
  EXPECT_EQ(out.events.back().data["reason"], "ea_unknown");
  EXPECT_EQ(sent.size(), 1u);  // only the first (refused) attempt reached the socket
}

TEST_F(execution_Router, DuplicateUuidAlertsBlocksAndAdminClears) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow, "NODE_REAL");
  hello(r, "EA_U1", kNow + kSec, "NODE_ROGUE");
  EXPECT_TRUE(has_event("alert.ea_duplicate"));
  EXPECT_TRUE(has_event("ea.duplicate"));
  EXPECT_TRUE((*store::EaRepo(w.db).get("EA_U1"))->blocked);
  // The rival's second report does not alert again.
  hello(r, "EA_U1", kNow + 2 * kSec, "NODE_ROGUE");
  EXPECT_FALSE(has_event("alert.ea_duplicate"));

  // Routing is blocked (the risk engine refuses new fires for a blocked EA, so queue the fire first
  // as if it was decided just before the block).
  ASSERT_TRUE(store::EaRepo(w.db).set_blocked("EA_U1", false).ok());
  auto f = w.queue_fire("u1", "S1");
  ASSERT_TRUE(store::EaRepo(w.db).set_blocked("EA_U1", true).ok());
  route(r, fire_command(*f.command, "u1", kNow + 3 * kSec), kNow + 3 * kSec);
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(w.fire(f.fire_id).reason, "ea_blocked");

  // An admin clears it: routing resumes (to the holder, NODE_REAL's connection).
  ASSERT_TRUE(store::EaRepo(w.db).set_blocked("EA_U1", false).ok());
  hello(r, "EA_U1", kNow + 4 * kSec, "NODE_REAL");
  auto f2 = w.queue_fire("u1", "S2", kNow + 4 * kSec);
  route(r, fire_command(*f2.command, "u1", kNow + 4 * kSec), kNow + 4 * kSec);
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(w.fire(f2.fire_id).state, FireState::SENT);
}

// A restarted terminal is a new node_id on the same UUID, usually back before the TTL: blocked at
// first (a rival never gets a fire), then, once the old node has stayed silent since the claim
// for the handover time, the new node takes over and the router lifts its own block.
TEST_F(execution_Router, RestartedTerminalTakesOverOnceThePreviousNodeStaysSilent) {
  CommandRouter r(w.db, symbols(), opts(), health);
  const int64_t t0 = kNow - 42 * kSec;  // the fire below is at kNow, when the fixture's quote is fresh
  hello(r, "EA_U1", t0, "NODE_BEFORE_RESTART");
  hello(r, "EA_U1", t0 + 5 * kSec, "NODE_AFTER_RESTART");
  EXPECT_TRUE((*store::EaRepo(w.db).get("EA_U1"))->blocked);
  hello(r, "EA_U1", t0 + 35 * kSec, "NODE_AFTER_RESTART");  // 35 s of silence: not yet
  EXPECT_TRUE((*store::EaRepo(w.db).get("EA_U1"))->blocked);
  EXPECT_FALSE(has_event("ea.handover"));
  hello(r, "EA_U1", t0 + 41 * kSec, "NODE_AFTER_RESTART");
  EXPECT_TRUE(has_event("ea.handover"));
  EXPECT_FALSE((*store::EaRepo(w.db).get("EA_U1"))->blocked);
  EXPECT_EQ(health.get("ea_taken_over"), 1u);
  EXPECT_EQ(r.registry().find("EA_U1")->node_id, "NODE_AFTER_RESTART");
  auto f = w.queue_fire("u1", "S1");
  route(r, fire_command(*f.command, "u1", kNow), kNow);
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(w.fire(f.fire_id).state, FireState::SENT);
}

// Both nodes alive (the holder speaks after the rival appeared): a real duplicate, never lifted
// by the router however long the rival keeps reporting within the TTL.
TEST_F(execution_Router, HolderSpeakingAfterTheRivalKeepsTheBlockForAnAdmin) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow, "NODE_REAL");
  hello(r, "EA_U1", kNow + 5 * kSec, "NODE_ROGUE");
  hello(r, "EA_U1", kNow + 20 * kSec, "NODE_REAL");
  hello(r, "EA_U1", kNow + 70 * kSec, "NODE_ROGUE");
  hello(r, "EA_U1", kNow + 100 * kSec, "NODE_ROGUE");
  EXPECT_TRUE((*store::EaRepo(w.db).get("EA_U1"))->blocked);
  EXPECT_FALSE(has_event("ea.handover"));
  EXPECT_EQ(health.get("ea_taken_over"), 0u);
}

TEST_F(execution_Router, BadQueueInputIsCountedAndNamedFiresAreResolved) {
  CommandRouter r(w.db, symbols(), opts(), health);
  r.on_queue_frames({"only-one-frame"}, kNow, out);
  r.on_queue_frames({"cmd.x", "{not json"}, kNow, out);
  EXPECT_EQ(health.get("queue_drop_bad_frames"), 1u);
  EXPECT_EQ(health.get("queue_drop_not_json"), 1u);
  EXPECT_TRUE(has_event("alert.command_dropped"));
  // A broken command that names a QUEUED fire resolves it instead of leaving it waiting.
  hello(r, "EA_U1", kNow);
  auto f = w.queue_fire("u1", "S1");
  auto cmd = fire_command(*f.command, "u1", kNow);
  cmd.lot = 0;
  auto j = schema::to_json(cmd);
  schema::EnvelopeWriter wr("test");
  out.clear();
  r.on_queue_frames({"cmd.EA_U1", wr.encode("command", kNow, j)}, kNow, out);
  EXPECT_EQ(w.fire(f.fire_id).state, FireState::UNDELIVERABLE);
  EXPECT_EQ(w.fire(f.fire_id).reason, "bad_command");
}

// Only CommandMsg is routed: another shape naming a waiting fire makes it UNDELIVERABLE at once
// (the user learns it) instead of leaving it QUEUED, and nothing reaches the EA.
TEST_F(execution_Router, AnotherMessageShapeIsRefusedAndTheFireSaysSo) {
  CommandRouter r(w.db, symbols(), opts(), health);
  hello(r, "EA_U1", kNow);
  auto f = w.queue_fire("u1", "S1");
  const auto& c = *f.command;
  nlohmann::json d = {{"target_uuid", c.target_uuid}, {"fire_id", c.fire_id}, {"symbol", c.symbol},
                      {"direction", c.direction},     {"entry", 0},           {"sl", c.sl},
                      {"tp", c.tp},                   {"lot", c.lot},         {"user_id", "u1"}};
  schema::EnvelopeWriter wr("webapp");
  r.on_queue_frames({"fire." + c.target_uuid, wr.encode("fire_command", kNow, d)}, kNow, out);
  EXPECT_TRUE(out.sends.empty());
  EXPECT_EQ(w.fire(f.fire_id).state, FireState::UNDELIVERABLE);
  EXPECT_EQ(w.fire(f.fire_id).reason, "bad_command");
}

}  // namespace
}  // namespace bitten::execution

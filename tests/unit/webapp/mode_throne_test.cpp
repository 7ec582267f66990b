// The per-user auto-fire minimum (POST /api/mode) and the Throne's fleet-wide fire feed.
#include "bitten/schema/signal.hpp"
#include "bitten/store/fire_repo.hpp"
#include "webapp_fixture.hpp"

using namespace bitten;
using namespace bitten::webapp;
using namespace bitten::webapp::testing;

namespace {

class WebModeThrone : public AppFixture {
 protected:
  // A QUEUED fire for the user on a fresh signal + mission, requested at the fixture clock + offset.
  void add_fire(const std::string& user, const std::string& id, int64_t offset_ns) {
    auto s = make_signal("SIG_" + id);
    store::QueueFireRequest r;
    r.fire.fire_id = id;
    r.fire.user_id = user;
    r.fire.mission_id = make_mission(user, s.signal_id);
    r.fire.signal_id = s.signal_id;
    r.fire.ea_uuid = "ea-" + user;
    r.fire.symbol = "EURUSD";
    r.fire.direction = "BUY";
    r.fire.lot = 0.1;
    r.fire.sl = 1.098;
    r.fire.tp = 1.104;
    r.fire.requested_ns = r.now_ns = clock_.now_ns() + offset_ns;
    r.max_slots = 10;
    auto q = store::FireRepo(*db_).take_slot_and_queue_fire(r);
    ASSERT_TRUE(q) << q.error().message;
  }
};

TEST_F(WebModeThrone, AutoMinProbabilityIsStoredPerUserAndValidated) {
  auto cmdr = make_user("cmdr", "COMMANDER");
  auto glad = make_user("glad", "GLADIATOR");
  auto m = body(get("/api/mode", cmdr));
  EXPECT_EQ(m["auto_min_probability"], risk_.auto_min_probability);
  EXPECT_EQ(m["auto_min_probability_source"], "risk.json");
  EXPECT_TRUE(m["user_auto_min_probability"].is_null());

  // The minimum alone (no mode): stored, mode unchanged.
  auto r = post("/api/mode", {{"auto_min_probability", 0.8}}, cmdr);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["mode"], "SELECT");
  EXPECT_EQ(body(r)["auto_min_probability"], 0.8);
  EXPECT_EQ(body(r)["auto_min_probability_source"], "user");
  EXPECT_EQ(**store::UserRepo(*db_).auto_min_probability("cmdr"), 0.8);
  ASSERT_FALSE(outbox_.events.empty());
  EXPECT_EQ(outbox_.events.back().first, "mode.cmdr");
  EXPECT_EQ(outbox_.events.back().second["auto_min_probability"], 0.8);

  // Both at once; then the account and GET /api/mode show it.
  r = post("/api/mode", {{"mode", "AUTO"}, {"auto_min_probability", 0.72}}, cmdr);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["mode"], "AUTO");
  EXPECT_EQ(body(get("/api/mode", cmdr))["auto_min_probability"], 0.72);
  EXPECT_EQ(body(get("/api/account", cmdr))["auto_min_probability"], 0.72);
  // The mode alone keeps the minimum.
  ASSERT_EQ(post("/api/mode", {{"mode", "SELECT"}}, cmdr).status, 200);
  EXPECT_EQ(body(get("/api/mode", cmdr))["auto_min_probability"], 0.72);

  // Out of range, wrong type, nothing to change: 400 and nothing written.
  for (const nlohmann::json& bad : {nlohmann::json{{"auto_min_probability", 0.49}},
                                    nlohmann::json{{"auto_min_probability", 0.995}},
                                    nlohmann::json{{"auto_min_probability", 1}},
                                    nlohmann::json{{"auto_min_probability", "0.8"}},
                                    nlohmann::json{{"mode", "AUTO"}, {"auto_min_probability", true}},
                                    nlohmann::json{{"mode", "YOLO"}, {"auto_min_probability", 0.8}},
                                    nlohmann::json::object()})
    EXPECT_EQ(post("/api/mode", bad, cmdr).status, 400) << bad.dump();
  EXPECT_EQ(body(get("/api/mode", cmdr))["mode"], "SELECT");
  EXPECT_EQ(body(get("/api/mode", cmdr))["auto_min_probability"], 0.72);

  // null returns the user to risk.json's minimum.
  ASSERT_EQ(post("/api/mode", {{"auto_min_probability", nullptr}}, cmdr).status, 200);
  EXPECT_EQ(body(get("/api/mode", cmdr))["auto_min_probability_source"], "risk.json");

  // A tier without auto-fire cannot set a minimum (clearing is harmless).
  r = post("/api/mode", {{"auto_min_probability", 0.8}}, glad);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body(r)["reason"], "auto_not_allowed");
  EXPECT_FALSE(store::UserRepo(*db_).auto_min_probability("glad")->has_value());
  EXPECT_EQ(post("/api/mode", {{"auto_min_probability", nullptr}}, glad).status, 200);
}

TEST_F(WebModeThrone, ThroneListsEveryUsersFiresNewestFirstAndPages) {
  auto admin = make_user("boss", "COMMANDER", "admin");
  auto alice = make_user("alice", "GLADIATOR");
  make_user("bob", "GLADIATOR");
  add_fire("alice", "F1", 1);
  add_fire("bob", "F2", 2);
  add_fire("alice", "F3", 3);

  EXPECT_EQ(get("/api/admin/fires", "", Surface::Throne).status, 401);
  EXPECT_EQ(get("/api/admin/fires", alice, Surface::Throne).status, 403);
  EXPECT_EQ(get("/api/admin/fires", admin, Surface::Trader).status, 404);  // Throne only

  auto r = get("/api/admin/fires", admin, Surface::Throne);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = body(r);
  ASSERT_EQ(j["fires"].size(), 3u);
  EXPECT_EQ(j["fires"][0]["fire_id"], "F3");
  EXPECT_EQ(j["fires"][0]["user_id"], "alice");
  EXPECT_EQ(j["fires"][1]["user_id"], "bob");
  EXPECT_EQ(j["fires"][2]["fire_id"], "F1");

  auto page = body(get("/api/admin/fires?limit=2", admin, Surface::Throne));
  ASSERT_EQ(page["fires"].size(), 2u);
  auto rest = body(get("/api/admin/fires?before=" + std::to_string(page["next_before"].get<int64_t>()), admin,
                       Surface::Throne));
  ASSERT_EQ(rest["fires"].size(), 1u);
  EXPECT_EQ(rest["fires"][0]["fire_id"], "F1");
  EXPECT_EQ(get("/api/admin/fires?before=12x", admin, Surface::Throne).status, 400);
}

TEST_F(WebModeThrone, AdminsOnTheThroneHearEveryUsersFireLive) {
  make_user("boss", "COMMANDER", "admin");
  std::vector<std::string> throne, trader;
  app_->ws_opened(Principal{"boss", "admin", "COMMANDER", false, ""}, Surface::Throne,
                  [&](const WsPayload& m) { return throne.push_back(*m), true; });
  app_->ws_opened(Principal{"bob", "trader", "GLADIATOR", false, ""}, Surface::Trader,
                  [&](const WsPayload& m) { return trader.push_back(*m), true; });
  app_->on_bus_message("fire.alice", schema::encode(schema::Envelope{"fire", 1, "command_router", 1, clock_.now_ns(),
                                                                      {{"fire_id", "F9"}, {"state", "SENT"}, {"user_id", "alice"}}}));
  ASSERT_EQ(throne.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(throne[0])["data"]["fire_id"], "F9");
  EXPECT_TRUE(trader.empty());  // bob hears only his own
}

TEST_F(WebModeThrone, AMissionIsOfferedToItsUserOnceTheyConnect) {
  make_user("carol", "GLADIATOR");
  make_user("dave", "GLADIATOR");
  auto sig = make_signal("SIG_LATE");
  make_mission("carol", sig.signal_id);
  make_mission("dave", sig.signal_id);
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
  std::vector<std::string> carol, dave;
  app_->ws_opened(Principal{"carol", "trader", "GLADIATOR", false, ""}, Surface::Trader,
                  [&](const WsPayload& m) { return carol.push_back(*m), true; });
  app_->on_bus_message("signal.EURUSD", schema::encode(schema::Envelope{"signal", 1, "ml_filter", 1, clock_.now_ns(),
                                                                         schema::to_json(msg)}));
  app_->on_timer();
  ASSERT_EQ(carol.size(), 2u);  // the signal, then her mission
  EXPECT_EQ(nlohmann::json::parse(carol[1])["data"]["mission_id"], "M_carol_SIG_LATE");
  // dave connects later, while the offer is still pending: he gets his mission at the next tick.
  app_->ws_opened(Principal{"dave", "trader", "GLADIATOR", false, ""}, Surface::Trader,
                  [&](const WsPayload& m) { return dave.push_back(*m), true; });
  app_->on_timer();
  ASSERT_EQ(dave.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(dave[0])["type"], "mission");
  EXPECT_EQ(carol.size(), 2u);  // offered once
}

}  // namespace

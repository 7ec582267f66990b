// Schema version 2: the per-user auto-fire minimum, the fleet-wide fire feed, a signal's missions.
#include <gtest/gtest.h>

#include <SQLiteCpp/Statement.h>

#include <cmath>

#include "bitten/store/auth_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/migrations.hpp"
#include "bitten/store/user_repo.hpp"
#include "fixtures.hpp"

namespace bitten::store {
namespace {

using namespace testing;

class store_WebReads : public ::testing::Test {
 protected:
  void SetUp() override {
    add_user(db, "u1");
    add_user(db, "u2");
  }
  TempDir dir;
  Database db = open_db(dir.file("web.db"));
};

TEST_F(store_WebReads, AutoMinProbabilityIsPerUserAndLeavesTheModeAlone) {
  UserRepo users(db);
  EXPECT_FALSE(users.auto_min_probability("u1")->has_value());  // never set: risk.json applies
  // Setting it on a user without a user_modes row creates the row in SELECT mode.
  ASSERT_TRUE(users.set_auto_min_probability("u1", 0.8, 2).ok());
  EXPECT_EQ(**users.auto_min_probability("u1"), 0.8);
  EXPECT_EQ(*users.mode("u1"), "SELECT");
  // The mode and the minimum are independent columns of one row.
  ASSERT_TRUE(users.set_mode("u1", "AUTO", 3).ok());
  EXPECT_EQ(**users.auto_min_probability("u1"), 0.8);
  ASSERT_TRUE(users.set_auto_min_probability("u1", 0.75, 4).ok());
  EXPECT_EQ(*users.mode("u1"), "AUTO");
  EXPECT_EQ(**users.auto_min_probability("u1"), 0.75);
  EXPECT_FALSE(users.auto_min_probability("u2")->has_value());
  // Bounds, both in the repository and in the table's CHECK.
  EXPECT_TRUE(users.set_auto_min_probability("u1", 0.5, 5).ok());
  EXPECT_TRUE(users.set_auto_min_probability("u1", 0.99, 5).ok());
  for (double bad : {0.49, 0.995, 1.0, -1.0, std::nan("")})
    EXPECT_EQ(users.set_auto_min_probability("u1", bad, 6).error().code, "bad_input") << bad;
  EXPECT_EQ(**users.auto_min_probability("u1"), 0.99);
  EXPECT_THROW(db.sql().exec("UPDATE user_modes SET auto_min_probability = 0.2 WHERE user_id = 'u1'"),
               SQLite::Exception);
  // Clearing it returns the user to risk.json's minimum.
  ASSERT_TRUE(users.set_auto_min_probability("u1", std::nullopt, 7).ok());
  EXPECT_FALSE(users.auto_min_probability("u1")->has_value());
  EXPECT_EQ(*users.mode("u1"), "AUTO");
}

TEST_F(store_WebReads, RecentFiresAcrossUsersNewestFirstWithPaging) {
  FireRepo fires(db);
  for (int i = 0; i < 5; ++i) {
    const std::string user = i % 2 ? "u2" : "u1";
    const std::string sig = "S" + std::to_string(i);
    auto mission = add_mission(db, user, sig);
    auto req = queue_req("F" + std::to_string(i), user, mission, sig, 10);
    req.fire.requested_ns = req.now_ns = 100 + i;
    ASSERT_TRUE(fires.take_slot_and_queue_fire(req).ok());
  }
  auto all = fires.recent(10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].fire_id, "F4");
  EXPECT_EQ((*all)[0].user_id, "u1");
  EXPECT_EQ((*all)[1].user_id, "u2");
  EXPECT_EQ((*all)[4].fire_id, "F0");
  auto page = fires.recent(2, (*all)[1].requested_ns);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].fire_id, "F2");
  EXPECT_EQ((*page)[1].fire_id, "F1");
  EXPECT_TRUE(fires.recent(10, 100)->empty());
}

TEST_F(store_WebReads, MissionsOfOneSignal) {
  add_mission(db, "u2", "S1");
  add_mission(db, "u1", "S1");
  add_mission(db, "u1", "S2");
  auto ms = MissionRepo(db).for_signal("S1");
  ASSERT_TRUE(ms.ok());
  ASSERT_EQ(ms->size(), 2u);
  EXPECT_EQ((*ms)[0].user_id, "u1");
  EXPECT_EQ((*ms)[1].user_id, "u2");
  EXPECT_TRUE(MissionRepo(db).for_signal("nope")->empty());
}

TEST_F(store_WebReads, TokenLastUseIsWrittenAtMostOncePerInterval) {
  AuthRepo auth(db);
  auto t = auth.create_api_token("u1", "ci", 1);
  ASSERT_TRUE(t.ok());
  auto v = auth.verify_api_token(t->token, 100, 50);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->last_used_ns, 100);
  EXPECT_EQ((*auth.verify_api_token(t->token, 140, 50))->last_used_ns, 100);  // within the interval: no write
  EXPECT_EQ(auth.tokens_for_user("u1")->at(0).last_used_ns, 100);
  EXPECT_EQ((*auth.verify_api_token(t->token, 150, 50))->last_used_ns, 150);
  EXPECT_EQ(auth.tokens_for_user("u1")->at(0).last_used_ns, 150);
  EXPECT_FALSE(auth.verify_api_token("bt_nope", 200, 50)->has_value());
  ASSERT_TRUE(auth.revoke_api_token(t->record.token_id, 160).ok());
  EXPECT_FALSE(auth.verify_api_token(t->token, 170, 50)->has_value());
}

TEST_F(store_WebReads, RecentSignalKeysMatchRecentRows) {
  SignalRepo signals(db);
  for (int i = 0; i < 4; ++i) {
    auto s = make_signal("K" + std::to_string(i), "EURUSD", "BUY", 100 + i);
    s.accepted = i % 2 == 0;
    ASSERT_TRUE(signals.insert(s).ok());
  }
  auto keys = signals.recent_keys(3);
  auto rows = signals.recent(3);
  ASSERT_TRUE(keys.ok() && rows.ok());
  ASSERT_EQ(keys->size(), 3u);
  for (size_t i = 0; i < keys->size(); ++i) {
    EXPECT_EQ((*keys)[i].signal_id, (*rows)[i].signal_id);
    EXPECT_EQ((*keys)[i].detected_ns, (*rows)[i].detected_ns);
    EXPECT_EQ((*keys)[i].accepted, (*rows)[i].accepted);
  }
  EXPECT_EQ((*keys)[0].signal_id, "K3");
  EXPECT_EQ(signals.recent_keys(10, 102)->size(), 2u);
}

TEST_F(store_WebReads, VersionTwoIndexesServeTheNewReads) {
  EXPECT_GE(latest_schema_version(), 2);
  for (const char* sql : {"EXPLAIN QUERY PLAN SELECT fire_id FROM fires WHERE requested_ns < 5 ORDER BY requested_ns DESC",
                          "EXPLAIN QUERY PLAN SELECT mission_id FROM missions WHERE signal_id = 'S1'"}) {
    SQLite::Statement q(db.sql(), sql);
    std::string plan;
    while (q.executeStep()) plan += q.getColumn(3).getString() + "\n";
    EXPECT_NE(plan.find("USING"), std::string::npos) << sql << "\n" << plan;
    EXPECT_EQ(plan.find("SCAN fires\n"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace bitten::store

#include <gtest/gtest.h>

#include "bitten/store/audit_repo.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/model_repo.hpp"
#include "bitten/store/outcome_repo.hpp"
#include "bitten/store/sha256.hpp"
#include "bitten/store/system_repo.hpp"
#include "fixtures.hpp"

namespace bitten::store {
namespace {

using namespace testing;

constexpr int64_t kDay = 86'400LL * 1'000'000'000LL;

class store_Repos : public ::testing::Test {
 protected:
  TempDir dir;
  Database db = open_db(dir.file("repos.db"));
};

TEST_F(store_Repos, SignalInsertIsIdempotentAndNeverReplaces) {
  SignalRepo signals(db);
  auto s = make_signal("S1");
  EXPECT_TRUE(*signals.insert(s));
  auto changed = s;
  changed.tp = 9.99;
  EXPECT_FALSE(*signals.insert(changed));
  auto got = signals.get("S1");
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->tp, s.tp);
  EXPECT_EQ((*got)->probability, 0.7);
  EXPECT_FALSE(signals.get("nope")->has_value());
}

TEST_F(store_Repos, RecentSignalsNewestFirstWithPaging) {
  SignalRepo signals(db);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(signals.insert(make_signal(std::string("S").append(std::to_string(i)), "EURUSD", "BUY", i * 100)).ok());
  auto r = signals.recent(3);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].signal_id, "S5");
  EXPECT_EQ((*r)[2].signal_id, "S3");
  auto page2 = signals.recent(3, (*r)[2].detected_ns);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].signal_id, "S2");
  EXPECT_EQ(*signals.count_since(300), 3);
}

TEST_F(store_Repos, SignalRecordFromMessageKeepsScoreAndPayload) {
  schema::SignalMsg m;
  m.signal_id = "X1";
  m.symbol = "XAUUSD";
  m.direction = "SELL";
  m.pattern = "ORDER_BLOCK_BOUNCE";
  m.timeframe = "M15";
  m.signal_class = "SNIPER";
  m.score = schema::SignalScore{true, std::nullopt, 70, "none", "cold_start_rule", 5};
  auto rec = to_signal_record(m, 42);
  EXPECT_TRUE(rec.accepted);
  EXPECT_FALSE(rec.probability.has_value());
  EXPECT_EQ(rec.score_reason, "cold_start_rule");
  EXPECT_NE(rec.payload_json.find("X1"), std::string::npos);
  EXPECT_TRUE(*SignalRepo(db).insert(rec));
}

TEST_F(store_Repos, OneMissionPerUserAndSignal) {
  add_user(db, "u1");
  ASSERT_TRUE(SignalRepo(db).insert(make_signal("S1")).ok());
  MissionRepo missions(db);
  MissionRecord m{"M1", "u1", "S1", 0.2, 10, 100};
  auto a = missions.create(m);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->created);
  m.mission_id = "M2";
  auto b = missions.create(m);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->created);
  EXPECT_EQ(b->mission.mission_id, "M1");
  EXPECT_EQ(missions.active_for_user("u1", 50, 10)->size(), 1u);
  EXPECT_TRUE(missions.active_for_user("u1", 100, 10)->empty());
  EXPECT_EQ((*missions.find("u1", "S1"))->mission_id, "M1");
}

TEST_F(store_Repos, MissionNeedsAnExistingUserAndSignal) {
  auto r = MissionRepo(db).create({"M1", "ghost", "S1", 0, 1, 2});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "db_constraint");
}

TEST_F(store_Repos, EaUpsertTracksStartOfDayEquity) {
  EaRepo eas(db);
  EaReport r;
  r.uuid = "USER_UUID_123";
  r.node_id = "NODE_1";
  r.currency = "USD";
  r.broker = "Broker Ltd";
  r.balance = 1000;
  r.equity = 1000;
  r.seen_ns = 10 * kDay + 100;
  auto a = eas.upsert(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sod_equity, 1000);
  r.equity = 950;
  r.broker = "";  // does not erase
  r.seen_ns += 1000;
  auto b = eas.upsert(r);
  EXPECT_EQ(b->equity, 950);
  EXPECT_EQ(b->sod_equity, 1000);  // same day: unchanged
  EXPECT_EQ(b->broker, "Broker Ltd");
  r.equity = 940;
  r.seen_ns = 11 * kDay + 5;  // next UTC day
  auto c = eas.upsert(r);
  EXPECT_EQ(c->sod_equity, 940);
  EXPECT_EQ(c->sod_day, 11);
  EXPECT_EQ(c->first_seen_ns, 10 * kDay + 100);
}

TEST_F(store_Repos, EaBindingAndBlocking) {
  add_user(db, "u1");
  EaRepo eas(db);
  EaReport r;
  r.uuid = "EA1";
  r.seen_ns = 5;
  ASSERT_TRUE(eas.upsert(r).ok());
  r.uuid = "EA2";
  r.seen_ns = 9;
  ASSERT_TRUE(eas.upsert(r).ok());
  EXPECT_FALSE(eas.for_user("u1")->has_value());
  ASSERT_TRUE(eas.bind_user("EA1", std::string("u1")).ok());
  ASSERT_TRUE(eas.bind_user("EA2", std::string("u1")).ok());
  EXPECT_EQ((*eas.for_user("u1"))->uuid, "EA2");  // the most recently seen
  ASSERT_TRUE(eas.set_blocked("EA2", true).ok());
  EXPECT_TRUE((*eas.get("EA2"))->blocked);
  EXPECT_EQ(eas.bind_user("nope", std::string("u1")).error().code, "ea_not_found");
  EXPECT_EQ(eas.list_all()->size(), 2u);
  EXPECT_EQ(*eas.count_seen_since(6), 1);
}

TEST_F(store_Repos, UsersTiersHaltAndModes) {
  UserRepo users(db);
  UserRecord u;
  u.user_id = "u1";
  u.telegram_id = 777;
  u.tier = "GLADIATOR";
  u.created_ns = 1;
  ASSERT_TRUE(users.create(u).ok());
  u.user_id = "u2";  // same telegram id
  EXPECT_EQ(users.create(u).error().code, "db_constraint");
  EXPECT_EQ((*users.by_telegram(777))->user_id, "u1");
  ASSERT_TRUE(users.set_tier("u1", "COMMANDER", 2).ok());
  ASSERT_TRUE(users.set_halted("u1", true, "abuse", 3).ok());
  auto got = users.get("u1");
  EXPECT_EQ((*got)->tier, "COMMANDER");
  EXPECT_TRUE((*got)->halted);
  EXPECT_EQ((*got)->halt_reason, "abuse");
  EXPECT_EQ(users.set_tier("ghost", "PRESS", 2).error().code, "user_not_found");
  EXPECT_EQ(*users.mode("u1"), "SELECT");
  ASSERT_TRUE(users.set_mode("u1", "AUTO", 4).ok());
  EXPECT_EQ(*users.mode("u1"), "AUTO");
  EXPECT_EQ(users.users_in_mode("AUTO")->size(), 1u);
  EXPECT_FALSE(users.set_mode("u1", "YOLO", 5).ok());
  ASSERT_TRUE(users.set_role("u1", "admin", 6).ok());
  EXPECT_FALSE(users.set_role("u1", "god", 6).ok());
}

TEST_F(store_Repos, ApiTokensAreStoredOnlyAsHashes) {
  add_user(db, "u1");
  AuthRepo auth(db);
  auto t = auth.create_api_token("u1", "ci", 10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->token.rfind("bt_", 0), 0u);
  EXPECT_EQ(t->record.token_hash, sha256_hex(t->token));
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR token_id = ?");
  q.bind(1, t->token);
  q.bind(2, t->token);
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), 0);  // the token itself is nowhere
  auto v = auth.verify_api_token(t->token, 20);
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ((*v)->user_id, "u1");
  EXPECT_EQ((*v)->last_used_ns, 20);
  EXPECT_FALSE(auth.verify_api_token(t->token + "x", 20)->has_value());
  ASSERT_TRUE(auth.revoke_api_token(t->record.token_id, 30).ok());
  EXPECT_FALSE(auth.verify_api_token(t->token, 40)->has_value());
}

TEST_F(store_Repos, SessionsExpireAndRevoke) {
  add_user(db, "u1");
  AuthRepo auth(db);
  auto c = auth.create_session("u1", 100, 50);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(auth.verify_session(*c, 149)->has_value());
  EXPECT_FALSE(auth.verify_session(*c, 150)->has_value());
  auto d = auth.create_session("u1", 100, 1000);
  ASSERT_TRUE(auth.revoke_session(*d).ok());
  EXPECT_FALSE(auth.verify_session(*d, 101)->has_value());
  EXPECT_EQ(*auth.purge_expired_sessions(200), 2);
}

TEST_F(store_Repos, ModelPromoteAndRollback) {
  ModelRepo models(db);
  for (const char* v : {"m1", "m2", "m3"}) {
    ModelRecord m;
    m.version = v;
    m.path = std::string("/models/") + v;
    m.created_ns = 1;
    m.metrics_json = "{\"auc\":0.6}";
    m.threshold = 0.55;
    ASSERT_TRUE(models.add(m).ok());
  }
  EXPECT_FALSE(models.current()->has_value());
  EXPECT_EQ(models.rollback(5).error().code, "no_current_model");
  ASSERT_TRUE(models.promote("m1", 10).ok());
  ASSERT_TRUE(models.promote("m2", 20).ok());
  ASSERT_TRUE(models.promote("m3", 30).ok());
  EXPECT_EQ((*models.current())->version, "m3");
  EXPECT_EQ(*models.rollback(40), "m2");
  EXPECT_EQ((*models.current())->version, "m2");
  EXPECT_EQ(*models.rollback(50), "m1");
  EXPECT_EQ(models.rollback(60).error().code, "no_previous_model");
  EXPECT_EQ(models.promote("zz", 1).error().code, "model_not_found");
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM models WHERE is_current = 1");
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), 1);
}

TEST_F(store_Repos, GlobalHaltFlag) {
  SystemRepo sys(db);
  EXPECT_FALSE(sys.global_halt()->halted);
  ASSERT_TRUE(sys.set_global_halt(true, "broker outage", "admin1", 7).ok());
  auto h = sys.global_halt();
  EXPECT_TRUE(h->halted);
  EXPECT_EQ(h->reason, "broker outage");
  EXPECT_EQ(h->by, "admin1");
  ASSERT_TRUE(sys.set_global_halt(false, "", "admin1", 8).ok());
  EXPECT_FALSE(sys.global_halt()->halted);
}

TEST_F(store_Repos, OutcomesOncePerSignalAndFire) {
  ASSERT_TRUE(SignalRepo(db).insert(make_signal("S1")).ok());
  OutcomeRepo outcomes(db);
  OutcomeRecord o;
  o.signal_id = "S1";
  o.result = "WIN";
  o.pips = 40;
  o.resolved_ns = 100;
  EXPECT_TRUE(*outcomes.record(o));
  EXPECT_FALSE(*outcomes.record(o));
  EXPECT_EQ(outcomes.for_signal("S1")->size(), 1u);
  o.result = "BOGUS";
  EXPECT_FALSE(outcomes.record(o).ok());
  TrainingRow r{"S1", "{\"f\":1}", 1, "WIN", true, 50, 100};
  ASSERT_TRUE(outcomes.put_training(r).ok());
  r.label.reset();
  r.result = "TIMEOUT";
  ASSERT_TRUE(outcomes.put_training(r).ok());  // replaced: now unlabelled
  EXPECT_TRUE(outcomes.labelled_training()->empty());
}

TEST_F(store_Repos, AuditRecentNewestFirst) {
  AuditRepo audit(db);
  ASSERT_TRUE(audit.append({0, 1, "a", "x", "", "{}"}).ok());
  ASSERT_TRUE(audit.append({0, 2, "b", "y", "", "{}"}).ok());
  auto r = audit.recent(1);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().actor, "b");
}

}  // namespace
}  // namespace bitten::store

// The fire facade on a real SQLite file: snapshot -> engine -> slot transaction, with refusals
// recorded and client keys honoured.
#include <gtest/gtest.h>

#include "bitten/risk/fire_service.hpp"
#include "bitten/risk/reasons.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "fixtures.hpp"
#include "risk_fixture.hpp"

namespace bitten::risk {
namespace {

using namespace bitten::risk::testing;
using store::FireState;
using store::testing::TempDir;

class risk_FireService : public ::testing::Test {
 protected:
  void SetUp() override {
    store::testing::add_user(db, "u1", "GLADIATOR");  // 1 slot, RAPID only
    store::testing::add_user(db, "u2", "COMMANDER");
    for (const char* u : {"u1", "u2"}) {
      store::EaReport r;
      r.uuid = std::string("EA_") + u;
      r.currency = "USD";
      r.balance = 10000;
      r.equity = 10000;
      r.seen_ns = kNow - 5 * kSec;
      ASSERT_TRUE(eas.upsert(r).ok());
      ASSERT_TRUE(eas.bind_user(r.uuid, std::string(u)).ok());
    }
    book.quotes["EURUSD"] = {1.10000, 1.10010, kNow};
    book.quotes["GBPUSD"] = {1.25000, 1.25010, kNow};
  }

  // A fresh signal detected a minute ago and the user's mission for it.
  std::string mission(const std::string& user, const std::string& sig, const std::string& symbol = "EURUSD") {
    auto s = store::testing::make_signal(sig, symbol, "BUY", kNow - 60 * kSec);
    if (symbol == "GBPUSD") {
      s.entry = 1.25;
      s.sl = 1.248;
      s.tp = 1.254;
    }
    EXPECT_TRUE(store::SignalRepo(db).insert(s).ok());
    store::MissionRecord m{"M_" + user + "_" + sig, user, sig, 0, kNow - 60 * kSec, cfg.mission_expires_ns(kNow - 60 * kSec)};
    EXPECT_TRUE(store::MissionRepo(db).create(m).ok());
    return m.mission_id;
  }

  FireRequest request(const std::string& user, const std::string& mission_id) {
    FireRequest r;
    r.user_id = user;
    r.mission_id = mission_id;
    r.now_ns = kNow;
    return r;
  }

  TempDir dir;
  store::Database db = store::testing::open_db(dir.file("fire.db"));
  store::EaRepo eas{db};
  store::FireRepo fires{db};
  RiskConfig cfg = shipped_config();
  IdGenerator ids{12345};
  QuoteBook book;
  FireService service{db, cfg, symbols(), ids};
};

TEST_F(risk_FireService, ApprovedFireIsQueuedWithTheEaCommand) {
  auto m = mission("u1", "S1");
  auto r = service.fire(request("u1", m), book.source());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->state, FireState::QUEUED) << r->reason << " " << r->detail;
  ASSERT_TRUE(r->command.has_value());
  EXPECT_EQ(r->command->target_uuid, "EA_u1");
  EXPECT_EQ(r->command->fire_id, r->fire_id);
  EXPECT_LE(r->fire_id.size(), 31u);
  EXPECT_EQ(r->command->entry, 0);
  EXPECT_DOUBLE_EQ(r->command->lot, 0.47);  // GLADIATOR 1% of 10,000 over 21 pips = 0.476 -> 0.47
  auto row = fires.get(r->fire_id);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->state, FireState::QUEUED);
  EXPECT_EQ((*row)->mission_id, m);
  EXPECT_EQ((*row)->mode, "MANUAL");
  EXPECT_DOUBLE_EQ((*row)->balance_used, 10000);
}

TEST_F(risk_FireService, RefusalIsRecordedAsRejected) {
  ASSERT_TRUE(store::SystemRepo(db).set_global_halt(true, "drill", "admin", kNow).ok());
  auto m = mission("u1", "S1");
  auto r = service.fire(request("u1", m), book.source());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, FireState::REJECTED);
  EXPECT_EQ(r->reason, reason::kGlobalHalt);
  EXPECT_FALSE(r->command.has_value());
  auto row = fires.get(r->fire_id);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->state, FireState::REJECTED);
  EXPECT_EQ((*row)->reason, "global_halt");
}

TEST_F(risk_FireService, SecondFireOnAOneSlotTierIsRefused) {
  auto m1 = mission("u1", "S1");
  auto m2 = mission("u1", "S2", "GBPUSD");
  ASSERT_EQ(service.fire(request("u1", m1), book.source())->state, FireState::QUEUED);
  auto r = service.fire(request("u1", m2), book.source());
  EXPECT_EQ(r->state, FireState::REJECTED);
  EXPECT_EQ(r->reason, reason::kSlotsFull);
}

TEST_F(risk_FireService, RepeatedClientKeyReturnsTheOriginalFire) {
  auto m = mission("u2", "S1");
  auto req = request("u2", m);
  req.idempotency_key = "tap-42";
  auto a = service.fire(req, book.source());
  ASSERT_EQ(a->state, FireState::QUEUED);
  auto b = service.fire(req, book.source());
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->duplicate);
  EXPECT_EQ(b->fire_id, a->fire_id);
  EXPECT_FALSE(b->command.has_value());  // never sent twice
  EXPECT_EQ(fires.for_user("u2", 10)->size(), 1u);
}

TEST_F(risk_FireService, SecondFireOnTheSameMissionIsRefused) {
  auto m = mission("u2", "S1");
  ASSERT_EQ(service.fire(request("u2", m), book.source())->state, FireState::QUEUED);
  auto r = service.fire(request("u2", m), book.source());
  EXPECT_EQ(r->state, FireState::REJECTED);
  EXPECT_EQ(r->reason, reason::kMissionAlreadyFired);
}

TEST_F(risk_FireService, AnotherUsersMissionIsNotFound) {
  auto m = mission("u2", "S1");
  auto r = service.fire(request("u1", m), book.source());
  EXPECT_EQ(r->state, FireState::REJECTED);
  EXPECT_EQ(r->reason, reason::kMissionNotFound);
  auto row = fires.get(r->fire_id);
  ASSERT_TRUE(row->has_value());
  EXPECT_FALSE((*row)->mission_id.has_value());
}

TEST_F(risk_FireService, UnknownUserIsRefusedWithoutARow) {
  auto r = service.fire(request("ghost", "M"), book.source());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->reason, reason::kUserNotFound);
  EXPECT_TRUE(r->fire_id.empty());
}

TEST_F(risk_FireService, AutoFireUsesTheSamePath) {
  auto m = mission("u2", "S1");
  auto req = request("u2", m);
  req.mode = FireMode::Auto;
  auto r = service.fire(req, book.source());
  EXPECT_EQ(r->reason, reason::kAutoModeOff);
  ASSERT_TRUE(store::UserRepo(db).set_mode("u2", "AUTO", kNow).ok());
  r = service.fire(req, book.source());
  EXPECT_EQ(r->state, FireState::QUEUED) << r->reason;
  EXPECT_EQ((*fires.get(r->fire_id))->mode, "AUTO");
}

TEST_F(risk_FireService, PreviewWritesNothing) {
  auto m = mission("u2", "S1");
  auto d = service.preview(request("u2", m), book.source());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->approved) << d->reason;
  EXPECT_TRUE(fires.for_user("u2", 10)->empty());
}

TEST_F(risk_FireService, FilledPositionsCountAgainstSlotsAndHedging) {
  auto m1 = mission("u2", "S1");
  auto a = service.fire(request("u2", m1), book.source());
  ASSERT_EQ(a->state, FireState::QUEUED);
  ASSERT_TRUE(fires.mark_sent(a->fire_id, kNow).ok());
  ASSERT_TRUE(fires.mark_filled(a->fire_id, 1, 1.1001, kNow).ok());
  // A SELL signal on the same symbol is refused: no hedging against ourselves.
  auto s = store::testing::make_signal("S9", "EURUSD", "SELL", kNow - 60 * kSec);
  ASSERT_TRUE(store::SignalRepo(db).insert(s).ok());
  store::MissionRecord m{"M9", "u2", "S9", 0, kNow - 60 * kSec, kNow + 600 * kSec};
  ASSERT_TRUE(store::MissionRepo(db).create(m).ok());
  auto r = service.fire(request("u2", "M9"), book.source());
  EXPECT_EQ(r->reason, reason::kOppositePosition);
}

}  // namespace
}  // namespace bitten::risk

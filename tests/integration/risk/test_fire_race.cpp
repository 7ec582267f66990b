// The risk engine's fire races itself on two connections: its snapshot and its insert are one write
// transaction (no second round of checks), so two fires can never both take a user's last slot, nor
// both hold one mission. Each thread is a process's connection to the same SQLite file.
#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "bitten/risk/fire_service.hpp"
#include "bitten/risk/reasons.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "fixtures.hpp"
#include "risk_fixture.hpp"

namespace bitten::risk {
namespace {

using namespace bitten::risk::testing;
using store::FireState;

constexpr int kRounds = 60;

std::string name(std::string prefix, int i) { return prefix.append(std::to_string(i)); }

// GLADIATOR (one slot) user u1 with an online EA, a fresh EURUSD signal and mission per name.
void seed(const std::string& path, const std::vector<std::string>& signals) {
  auto db = store::testing::open_db(path);
  store::testing::add_user(db, "u1", "GLADIATOR");
  store::EaReport r;
  r.uuid = "EA_u1";
  r.currency = "USD";
  r.balance = 10000;
  r.equity = 10000;
  r.seen_ns = kNow - 5 * kSec;
  ASSERT_TRUE(store::EaRepo(db).upsert(r).ok());
  ASSERT_TRUE(store::EaRepo(db).bind_user("EA_u1", "u1").ok());
  for (const auto& sig : signals) {
    ASSERT_TRUE(store::SignalRepo(db).insert(store::testing::make_signal(sig, "EURUSD", "BUY", kNow - 60 * kSec)).ok());
    store::MissionRecord m{"M_" + sig, "u1", sig, 0, kNow - 60 * kSec,
                           shipped_config().mission_expires_ns(kNow - 60 * kSec)};
    ASSERT_TRUE(store::MissionRepo(db).create(m).ok());
  }
}

// Two racers, one connection each; mission_for(who, round) picks what each fires. After every
// round the first racer checks exactly one fire is QUEUED and frees it (the EA never saw it).
struct RaceResult {
  int queued = 0;
  int errors = 0;
  std::map<std::string, int> refusals;
};

RaceResult race(const std::string& path, const std::function<std::string(int, int)>& mission_for) {
  std::barrier sync(2);
  std::vector<RaceResult> per(2);
  auto racer = [&](int who) {
    auto db = store::testing::open_db(path, 10'000);
    IdGenerator ids{static_cast<uint64_t>(100 + who)};
    FireService service{db, shipped_config(), symbols(), ids};
    QuoteBook book;
    book.quotes["EURUSD"] = {1.10000, 1.10010, kNow};
    store::FireRepo fires(db);
    for (int i = 0; i < kRounds; ++i) {
      FireRequest rq;
      rq.user_id = "u1";
      rq.mission_id = mission_for(who, i);
      rq.now_ns = kNow;
      sync.arrive_and_wait();  // both fire together
      auto r = service.fire(rq, book.source());
      if (!r) ++per[who].errors;
      else if (r->state == FireState::QUEUED) ++per[who].queued;
      else ++per[who].refusals[r->reason];
      sync.arrive_and_wait();
      if (who == 0) {
        SQLite::Statement q(db.sql(), "SELECT fire_id FROM fires WHERE state = 'QUEUED'");
        std::vector<std::string> queued;
        while (q.executeStep()) queued.push_back(q.getColumn(0).getString());
        EXPECT_EQ(queued.size(), 1u) << "round " << i;
        for (auto& id : queued) EXPECT_TRUE(fires.mark_undeliverable(id, "test", kNow).ok());
      }
      sync.arrive_and_wait();
    }
  };
  std::thread t0(racer, 0), t1(racer, 1);
  t0.join();
  t1.join();
  RaceResult all;
  for (auto& p : per) {
    all.queued += p.queued;
    all.errors += p.errors;
    for (auto& [k, v] : p.refusals) all.refusals[k] += v;
  }
  return all;
}

TEST(risk_FireRace, TwoFiresNeverBothTakeTheLastSlot) {
  store::testing::TempDir dir;
  const std::string path = dir.file("race.db");
  std::vector<std::string> sigs;
  for (int i = 0; i < kRounds; ++i)
    for (const char* side : {"A", "B"}) sigs.push_back(name(side, i));
  seed(path, sigs);
  auto r = race(path, [](int who, int i) { return name(who == 0 ? "M_A" : "M_B", i); });
  EXPECT_EQ(r.errors, 0);
  EXPECT_EQ(r.queued, kRounds);
  EXPECT_EQ(r.refusals[std::string(reason::kSlotsFull)], kRounds);
}

TEST(risk_FireRace, TwoFiresOnOneMissionQueueOnlyOne) {
  store::testing::TempDir dir;
  const std::string path = dir.file("race.db");
  std::vector<std::string> sigs;
  for (int i = 0; i < kRounds; ++i) sigs.push_back(name("S", i));
  seed(path, sigs);
  // Both racers fire the same mission. Freed by UNDELIVERABLE, a mission could be fired again, so
  // each round has a mission of its own.
  auto r = race(path, [](int, int i) { return name("M_S", i); });
  EXPECT_EQ(r.errors, 0);
  EXPECT_EQ(r.queued, kRounds);
  // The loser sees either the mission held or the slot taken, whichever rule the engine checks first.
  EXPECT_EQ(r.refusals[std::string(reason::kMissionAlreadyFired)] + r.refusals[std::string(reason::kSlotsFull)], kRounds);
}

}  // namespace
}  // namespace bitten::risk

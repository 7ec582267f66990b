// Two threads, each with its own connection, race for a user's last slot many times: exactly one
// may win each round (the original checked and took slots without a transaction).
#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "bitten/store/migrations.hpp"
#include "fixtures.hpp"

namespace bitten::store {
namespace {

using namespace testing;

TEST(store_SlotRace, OnlyOneOfTwoConnectionsTakesTheLastSlot) {
  TempDir dir;
  const std::string path = dir.file("race.db");
  constexpr int kRounds = 150;
  {
    auto db = open_db(path);
    add_user(db, "u1");
    for (int i = 0; i < kRounds; ++i) {
      for (const char* side : {"A", "B"}) {
        std::string sig = side;
        sig += std::to_string(i);
        add_mission(db, "u1", sig);
      }
    }
  }
  std::barrier sync(2);
  std::vector<int> wins(2, 0), errors(2, 0);
  auto racer = [&](int who) {
    auto db = open_db(path, 10'000);
    FireRepo fires(db);
    const std::string side = who == 0 ? "A" : "B";
    for (int i = 0; i < kRounds; ++i) {
      const std::string sig = side + std::to_string(i);
      sync.arrive_and_wait();  // both start the round together
      auto r = fires.take_slot_and_queue_fire(
          queue_req("F" + sig, "u1", "M_u1_" + sig, sig, /*max_slots=*/1));
      if (!r) ++errors[who];
      else if (r->outcome == QueueOutcome::Queued) ++wins[who];
      sync.arrive_and_wait();  // both done
      if (who == 0) {
        // Free the slot for the next round: the winner's fire never reached the EA.
        SQLite::Statement q(db.sql(), "SELECT fire_id FROM fires WHERE state = 'QUEUED'");
        std::vector<std::string> queued;
        while (q.executeStep()) queued.push_back(q.getColumn(0).getString());
        EXPECT_EQ(queued.size(), 1u) << "round " << i;
        for (auto& id : queued) EXPECT_TRUE(fires.mark_undeliverable(id, "test", 1).ok());
      }
      sync.arrive_and_wait();
    }
  };
  std::thread t0(racer, 0), t1(racer, 1);
  t0.join();
  t1.join();
  EXPECT_EQ(errors[0] + errors[1], 0);
  EXPECT_EQ(wins[0] + wins[1], kRounds);
  auto db = open_db(path);
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM fires WHERE state = 'REJECTED' AND reason = 'slots_full'");
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), kRounds);
}

TEST(store_SlotRace, ConcurrentFirstOpenMigratesOnce) {
  TempDir dir;
  const std::string path = dir.file("fresh.db");
  std::barrier sync(4);
  std::vector<int> ok(4, 0);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&, i] {
      sync.arrive_and_wait();
      auto r = Database::open({path, 10'000});
      ok[i] = r.ok() ? 1 : 0;
      if (!r) ADD_FAILURE() << r.error().code << ": " << r.error().message;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
  auto db = open_db(path);
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM schema_version");
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), static_cast<int>(migrations().size()));
}

}  // namespace
}  // namespace bitten::store

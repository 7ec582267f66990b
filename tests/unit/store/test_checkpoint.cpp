// The busy handler (waits for a lock up to the timeout, then db_busy) and the WAL checkpointer
// (commits of a wal_autocheckpoint_pages = 0 connection never checkpoint; the Checkpointer does).
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "bitten/store/checkpointer.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/read_transaction.hpp"
#include "bitten/store/write_transaction.hpp"
#include "bitten/store/system_repo.hpp"
#include "temp_db.hpp"

namespace bitten::store {
namespace {

using testing::TempDir;
using testing::open_db;
using Clock = std::chrono::steady_clock;

int wal_frames(Database& db) {
  SQLite::Statement q(db.sql(), "PRAGMA wal_checkpoint(PASSIVE)");
  q.executeStep();
  return q.getColumn(1).getInt();
}

int rows_in_t(Database& db) {
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM t");
  q.executeStep();
  return q.getColumn(0).getInt();
}

void write_rows(Database& db, int n) {
  db.sql().exec("CREATE TABLE IF NOT EXISTS pad (i INTEGER PRIMARY KEY, v BLOB)");
  for (int i = 0; i < n; ++i) db.sql().exec("INSERT INTO pad (v) VALUES (zeroblob(3000))");  // one commit each
}

TEST(store_BusyWait, WaitsForTheHolderToCommitThenWrites) {
  TempDir dir;
  auto a = open_db(dir.file("a.db"));
  auto b = open_db(dir.file("a.db"), 10'000);
  a.sql().exec("BEGIN IMMEDIATE");
  std::thread holder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the holder's work, then commit
    a.sql().exec("COMMIT");
  });
  const auto t0 = Clock::now();
  auto s = SystemRepo(b).set_global_halt(true, "waited", "test", 1);
  const auto waited = Clock::now() - t0;
  holder.join();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GE(waited, std::chrono::milliseconds(40));  // it did wait for the lock rather than fail
  auto h = SystemRepo(a).global_halt();
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->halted);
}

TEST(store_BusyWait, GivesUpWithDbBusyAfterTheTimeout) {
  TempDir dir;
  auto a = open_db(dir.file("a.db"));
  auto b = open_db(dir.file("a.db"), 5000);
  ASSERT_TRUE(b.set_busy_timeout(80).ok());
  EXPECT_EQ(b.busy_timeout_ms(), 80);
  a.sql().exec("BEGIN IMMEDIATE");
  const auto t0 = Clock::now();
  auto s = SystemRepo(b).set_global_halt(true, "x", "test", 1);
  const auto waited = Clock::now() - t0;
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_busy");
  EXPECT_GE(waited, std::chrono::milliseconds(80));  // the whole timeout, not the first refusal
  a.sql().exec("ROLLBACK");
}

TEST(store_BusyWait, ZeroTimeoutFailsAtOnce) {
  TempDir dir;
  auto a = open_db(dir.file("a.db"));
  auto b = open_db(dir.file("a.db"), 0);
  a.sql().exec("BEGIN IMMEDIATE");
  auto s = SystemRepo(b).set_global_halt(true, "x", "test", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_busy");
  a.sql().exec("ROLLBACK");
}

TEST(store_Checkpoint, ConnectionWithAutocheckpointOffLeavesTheWalToGrow) {
  TempDir dir;
  DatabaseOptions o{dir.file("a.db")};
  o.wal_autocheckpoint_pages = 0;
  auto db = std::move(Database::open(o)).value();
  SQLite::Statement q(db.sql(), "PRAGMA wal_autocheckpoint");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 0);
  // Near miss: a default connection checkpoints itself once its WAL passes 1,000 pages.
  write_rows(db, 1200);
  auto p = checkpoint_passive(db);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_GT(p->wal_frames, 1000);
  EXPECT_EQ(p->checkpointed, p->wal_frames);  // nobody reading: every frame copied
}

TEST(store_Checkpoint, DefaultConnectionCheckpointsInItsOwnCommits) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  write_rows(db, 1200);
  EXPECT_LT(wal_frames(db), 1000);  // restarted after the auto-checkpoint
}

TEST(store_Checkpoint, CheckpointerThreadCopiesTheWalAndStops) {
  TempDir dir;
  DatabaseOptions o{dir.file("a.db")};
  o.wal_autocheckpoint_pages = 0;
  auto db = std::move(Database::open(o)).value();
  std::vector<Error> errors;
  auto cp = Checkpointer::start(dir.file("a.db"), std::chrono::milliseconds(5),
                                [&](const Error& e) { errors.push_back(e); });
  ASSERT_TRUE(cp.ok()) << cp.error().message;
  write_rows(db, 600);
  // Wait (with a deadline) until a pass after our last commit found every frame copied: the next
  // writer then starts the WAL over, so it never passes a few passes' worth of commits.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  const uint64_t seen = (*cp)->stats().passes;
  while ((*cp)->stats().passes < seen + 2 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE((*cp)->stats().passes, seen + 2);
  write_rows(db, 1);
  EXPECT_LT(wal_frames(db), 10);  // the WAL restarted from its beginning
  EXPECT_EQ((*cp)->stats().errors, 0u);
  EXPECT_TRUE(errors.empty());
  cp->reset();  // joins
}

TEST(store_Checkpoint, FirePathStoreNeverCheckpointsInACommitAndRunsTheThread) {
  TempDir dir;
  { auto created = open_db(dir.file("a.db")); }  // the daemon's own open migrates first
  auto opened = open_fire_path_store(dir.file("a.db"), nullptr, std::chrono::milliseconds(5));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SQLite::Statement q(opened->db.sql(), "PRAGMA wal_autocheckpoint");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 0);
  ASSERT_NE(opened->checkpointer, nullptr);
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (opened->checkpointer->stats().passes < 2 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(opened->checkpointer->stats().passes, 2u);
  // Near miss: no database there, nothing opened.
  EXPECT_FALSE(open_fire_path_store(dir.file("missing/none.db"), nullptr).ok());
}

TEST(store_Checkpoint, CheckpointerRefusesAMissingDatabaseAndABadInterval) {
  TempDir dir;
  auto missing = Checkpointer::start(dir.file("none.db"), std::chrono::milliseconds(5), nullptr);
  EXPECT_FALSE(missing.ok());
  auto db = open_db(dir.file("a.db"));
  auto bad = Checkpointer::start(dir.file("a.db"), std::chrono::milliseconds(0), nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_config");
}

TEST(store_Transactions, ReadTransactionSeesOneStateWhileOthersCommit) {
  TempDir dir;
  auto a = open_db(dir.file("a.db"));
  auto b = open_db(dir.file("a.db"));
  a.sql().exec("CREATE TABLE t (v INTEGER)");
  a.sql().exec("INSERT INTO t VALUES (1)");
  auto count = [&] { return rows_in_t(a); };
  {
    ReadTransaction read(a);
    EXPECT_TRUE(read.owns());
    EXPECT_EQ(count(), 1);
    b.sql().exec("INSERT INTO t VALUES (2)");  // another connection commits meanwhile
    EXPECT_EQ(count(), 1);                     // same snapshot
    ReadTransaction nested(a);
    EXPECT_FALSE(nested.owns());
  }
  EXPECT_EQ(count(), 2);  // ended: the next read sees the commit
  EXPECT_NE(sqlite3_get_autocommit(a.sql().getHandle()), 0);
}

TEST(store_Transactions, WriteTransactionJoinsAnOuterOneAndRollsBackWhatItBegan) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  db.sql().exec("CREATE TABLE t (v INTEGER)");
  auto count = [&] { return rows_in_t(db); };
  {
    WriteTransaction outer(db);
    EXPECT_TRUE(outer.owns());
    {
      WriteTransaction inner(db);
      EXPECT_FALSE(inner.owns());
      db.sql().exec("INSERT INTO t VALUES (1)");
      inner.commit();  // joined: nothing committed yet
    }
    EXPECT_EQ(sqlite3_get_autocommit(db.sql().getHandle()), 0);
  }  // outer not committed: rolled back, the inner write with it
  EXPECT_EQ(count(), 0);
  {
    WriteTransaction outer(db);
    db.sql().exec("INSERT INTO t VALUES (1)");
    outer.commit();
  }
  EXPECT_EQ(count(), 1);
  // The write lock is taken at the start: a second connection cannot begin one meanwhile.
  auto other = open_db(dir.file("a.db"), 0);
  WriteTransaction held(db);
  EXPECT_THROW(WriteTransaction blocked(other), SQLite::Exception);
}

}  // namespace
}  // namespace bitten::store

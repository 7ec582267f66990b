// Backup while a writer keeps writing, restore into a fresh path, verify integrity and row counts.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "bitten/store/audit_repo.hpp"
#include "bitten/store/backup.hpp"
#include "fixtures.hpp"

namespace bitten::store {
namespace {

using namespace testing;

void populate(Database& db) {
  add_user(db, "u1");
  add_user(db, "u2");
  FireRepo fires(db);
  for (int i = 0; i < 20; ++i) {
    const std::string s = std::string("S") + std::to_string(i);
    auto m = add_mission(db, i % 2 ? "u1" : "u2", s);
    ASSERT_TRUE(fires.take_slot_and_queue_fire(queue_req("F" + s, i % 2 ? "u1" : "u2", m, s, 100)).ok());
  }
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(AuditRepo(db).append({0, i, "t", "a", "", "{}"}).ok());
}

TEST(store_BackupRestore, RoundTripKeepsEveryRow) {
  TempDir dir;
  auto db = open_db(dir.file("live.db"));
  populate(db);
  auto b = backup_to(db, dir.file("backup.db"));
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->integrity, "ok");
  EXPECT_GT(b->pages, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.file("backup.db-wal")));  // one self-contained file

  auto r = restore_from(dir.file("backup.db"), dir.file("restored.db"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto restored = open_db(dir.file("restored.db"));
  EXPECT_EQ(*restored.integrity_check(), "ok");
  auto live_counts = table_row_counts(db);
  auto restored_counts = table_row_counts(restored);
  ASSERT_TRUE(live_counts.ok() && restored_counts.ok());
  EXPECT_EQ(*live_counts, *restored_counts);
  EXPECT_EQ(live_counts->at("fires"), 20);
  EXPECT_EQ(live_counts->at("audit_log"), 50);
  // The restored database is a working one.
  SQLite::Statement jm(restored.sql(), "PRAGMA journal_mode");
  jm.executeStep();
  EXPECT_EQ(jm.getColumn(0).getString(), "wal");
  EXPECT_TRUE(AuditRepo(restored).append({0, 99, "t", "after_restore", "", "{}"}).ok());
}

TEST(store_BackupRestore, BackupIsOnlineWhileAWriterWrites) {
  TempDir dir;
  const std::string path = dir.file("live.db");
  {
    auto db = open_db(path);
    populate(db);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto db = open_db(path);
    AuditRepo audit(db);
    while (!stop.load()) {
      if (audit.append({0, 1, "w", "tick", "", "{}"}).ok()) ++written;
    }
  });
  while (written.load() < 50) std::this_thread::yield();
  auto src = open_db(path);
  auto b = backup_to(src, dir.file("online.db"));
  stop = true;
  writer.join();
  ASSERT_TRUE(b.ok()) << b.error().message;
  auto r = restore_from(dir.file("online.db"), dir.file("restored.db"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto restored = open_db(dir.file("restored.db"));
  EXPECT_EQ(*restored.integrity_check(), "ok");
  EXPECT_GE(table_row_counts(restored)->at("audit_log"), 50);
}

TEST(store_BackupRestore, RefusesToOverwrite) {
  TempDir dir;
  auto db = open_db(dir.file("live.db"));
  ASSERT_TRUE(backup_to(db, dir.file("b.db")).ok());
  EXPECT_EQ(backup_to(db, dir.file("b.db")).error().code, "db_exists");
  EXPECT_EQ(restore_from(dir.file("b.db"), dir.file("live.db")).error().code, "db_exists");
  EXPECT_EQ(restore_from(dir.file("missing.db"), dir.file("new.db")).error().code, "db_io");
}

}  // namespace
}  // namespace bitten::store

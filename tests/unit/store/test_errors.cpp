#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <fstream>

#include "bitten/store/audit_repo.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/system_repo.hpp"
#include "temp_db.hpp"

namespace bitten::store {
namespace {

using testing::TempDir;
using testing::open_db;

TEST(store_Errors, WriteLockHeldByAnotherConnectionGivesDbBusy) {
  TempDir dir;
  auto a = open_db(dir.file("a.db"), 5000);
  auto b = open_db(dir.file("a.db"), 100);
  a.sql().exec("BEGIN IMMEDIATE");  // a holds the write lock
  auto s = SystemRepo(b).set_global_halt(true, "x", "test", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_busy");
  a.sql().exec("ROLLBACK");
  // Near miss: once the lock is released the same write succeeds.
  EXPECT_TRUE(SystemRepo(b).set_global_halt(true, "x", "test", 1).ok());
}

TEST(store_Errors, FullDatabaseGivesDbFull) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  SQLite::Statement pc(db.sql(), "PRAGMA page_count");
  pc.executeStep();
  const int pages = pc.getColumn(0).getInt();
  db.sql().exec("PRAGMA max_page_count = " + std::to_string(pages + 2));
  AuditRepo audit(db);
  const std::string big(4000, 'x');
  Error last{"", ""};
  for (int i = 0; i < 100; ++i) {
    auto r = audit.append({0, i, "test", "fill", "", "{\"pad\":\"" + big + "\"}"});
    if (!r) {
      last = r.error();
      break;
    }
  }
  EXPECT_EQ(last.code, "db_full") << last.message;
}

TEST(store_Errors, MissingDirectoryGivesDbIo) {
  TempDir dir;
  auto r = Database::open({dir.file("no/such/dir/a.db")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "db_io");
}

TEST(store_Errors, NotADatabaseGivesDbIo) {
  TempDir dir;
  {
    std::ofstream f(dir.file("junk.db"));
    f << std::string(8192, 'j');
  }
  auto r = Database::open({dir.file("junk.db")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "db_io");
}

TEST(store_Errors, AuditLogIsAppendOnly) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  auto id = AuditRepo(db).append({0, 1, "admin", "halt", "global", "{}"});
  ASSERT_TRUE(id.ok());
  EXPECT_THROW(db.sql().exec("UPDATE audit_log SET actor = 'mallory'"), SQLite::Exception);
  EXPECT_THROW(db.sql().exec("DELETE FROM audit_log"), SQLite::Exception);
  auto rows = AuditRepo(db).recent(10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().actor, "admin");
}

}  // namespace
}  // namespace bitten::store

#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "bitten/store/database.hpp"
#include "bitten/store/migrations.hpp"
#include "temp_db.hpp"

namespace bitten::store {
namespace {

using testing::TempDir;
using testing::open_db;

std::string pragma(Database& db, const std::string& name) {
  SQLite::Statement q(db.sql(), "PRAGMA " + name);
  q.executeStep();
  return q.getColumn(0).getString();
}

TEST(store_Database, OpensWithWalForeignKeysAndNormalSync) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"), 1234);
  EXPECT_EQ(pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(db, "synchronous"), "1");  // NORMAL
  EXPECT_EQ(db.busy_timeout_ms(), 1234);
  EXPECT_EQ(pragma(db, "wal_autocheckpoint"), "1000");  // SQLite's default unless asked otherwise
}

TEST(store_Database, MigratesToLatestAndCreatesEveryTable) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  auto v = db.schema_version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, latest_schema_version());
  for (const char* t : {"signals", "missions", "fires", "outcomes", "ml_training", "user_modes", "users", "sessions",
                        "api_tokens", "ea_instances", "positions", "models", "audit_log", "system_flags",
                        "schema_version"})
    EXPECT_TRUE(db.sql().tableExists(t)) << t;
}

TEST(store_Database, ReopenIsIdempotent) {
  TempDir dir;
  { auto db = open_db(dir.file("a.db")); }
  auto db = open_db(dir.file("a.db"));
  SQLite::Statement q(db.sql(), "SELECT COUNT(*) FROM schema_version");
  q.executeStep();
  EXPECT_EQ(q.getColumn(0).getInt(), static_cast<int>(migrations().size()));
  auto again = migrate(db.sql(), 5);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, latest_schema_version());
}

TEST(store_Database, MigrationsAreNumberedInOrder) {
  int prev = 0;
  for (const auto& m : migrations()) {
    EXPECT_EQ(m.version, prev + 1) << m.name;
    prev = m.version;
  }
}

TEST(store_Database, RefusesASchemaNewerThanTheBuild) {
  TempDir dir;
  {
    auto db = open_db(dir.file("a.db"));
    db.sql().exec("INSERT INTO schema_version(version, name, applied_ns) VALUES (999, 'future', 0)");
  }
  auto r = Database::open({dir.file("a.db")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "db_schema_newer");
}

TEST(store_Database, WithoutMigrateAnOldSchemaIsRefused) {
  TempDir dir;
  DatabaseOptions o{dir.file("fresh.db")};
  o.migrate = false;
  auto r = Database::open(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "db_schema_mismatch");
}

TEST(store_Database, IntegrityCheckIsOk) {
  TempDir dir;
  auto db = open_db(dir.file("a.db"));
  auto r = db.integrity_check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "ok");
}

}  // namespace
}  // namespace bitten::store

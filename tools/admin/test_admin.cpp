// bitten-admin end to end on real files: create users and a token, back up, restore, check.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "admin_cli.hpp"
#include "bitten/store/auth_repo.hpp"
#include "bitten/store/backup.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/sha256.hpp"
#include "bitten/store/user_repo.hpp"

namespace {

namespace fs = std::filesystem;

struct CliResult {
  int code;
  std::string out, err;
};

class admin_Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bitten_admin_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    const char* root = std::getenv("BITTEN_SOURCE_ROOT");
    risk = std::string(root ? root : ".") + "/config/risk.json";
  }
  void TearDown() override { fs::remove_all(dir); }
  CliResult run(std::vector<std::string> args, const std::string& db_name = "b.db") {
    args.insert(args.begin(), {"--db", (dir / db_name).string(), "--risk-config", risk});
    std::ostringstream out, err;
    int code = bitten::admin::run(args, out, err);
    return {code, out.str(), err.str()};
  }
  fs::path dir;
  std::string risk;
};

TEST_F(admin_Cli, MigrateIsIdempotent) {
  auto a = run({"migrate"});
  EXPECT_EQ(a.code, 0) << a.err;
  auto b = run({"migrate"});
  EXPECT_EQ(b.code, 0);
  EXPECT_NE(b.out.find("already"), std::string::npos) << b.out;
}

TEST_F(admin_Cli, CreateAdminUserAndTokenStoresOnlyTheHash) {
  EXPECT_EQ(run({"create-admin", "root", "--telegram", "1001"}).code, 0);
  auto u = run({"create-user", "alice", "--tier", "COMMANDER", "--name", "Alice"});
  EXPECT_EQ(u.code, 0) << u.err;
  EXPECT_EQ(run({"create-user", "bob", "--tier", "NIBBLER"}).code, 1);  // not a tier in risk.json
  EXPECT_EQ(run({"create-user", "alice", "--tier", "PRESS"}).code, 1);  // taken
  auto t = run({"create-token", "alice", "--name", "bot"});
  ASSERT_EQ(t.code, 0) << t.err;
  const std::string token = t.out.substr(0, t.out.find('\n'));
  EXPECT_EQ(token.rfind("bt_", 0), 0u);
  EXPECT_EQ(run({"create-token", "nobody"}).code, 1);

  auto db = bitten::store::Database::open({(dir / "b.db").string()});
  ASSERT_TRUE(db.ok());
  auto root = bitten::store::UserRepo(*db).get("root");
  ASSERT_TRUE(root->has_value());
  EXPECT_EQ((*root)->role, "admin");
  EXPECT_EQ((*root)->telegram_id, 1001);
  bitten::store::AuthRepo auth(*db);
  auto v = auth.verify_api_token(token, 1);
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ((*v)->user_id, "alice");
  EXPECT_EQ((*v)->token_hash, bitten::store::sha256_hex(token));
}

TEST_F(admin_Cli, BackupAndRestoreRoundTrip) {
  ASSERT_EQ(run({"create-admin", "root"}).code, 0);
  ASSERT_EQ(run({"create-user", "alice", "--tier", "GLADIATOR"}).code, 0);
  const std::string backup = (dir / "backup.db").string();
  auto b = run({"backup", backup});
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.out.find("integrity ok"), std::string::npos);
  EXPECT_EQ(run({"backup", backup}).code, 1);  // refuses to overwrite
  auto r = run({"restore", backup}, "restored.db");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(run({"integrity-check"}, "restored.db").code, 0);
  auto live = bitten::store::Database::open({(dir / "b.db").string()});
  auto restored = bitten::store::Database::open({(dir / "restored.db").string()});
  auto lc = bitten::store::table_row_counts(*live);
  auto rc = bitten::store::table_row_counts(*restored);
  EXPECT_EQ(lc->at("users"), 2);
  EXPECT_EQ(rc->at("users"), 2);
  EXPECT_EQ(rc->at("audit_log"), lc->at("audit_log") + 1);  // the restore itself is audited
  EXPECT_EQ(run({"restore", backup}).code, 1);  // never over a live database
}

TEST_F(admin_Cli, BackupOfAMissingDatabaseFails) {
  EXPECT_EQ(run({"backup", (dir / "x.db").string()}, "missing.db").code, 1);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({}).code, 2);
}

}  // namespace

TEST_F(admin_Cli, BindEaRoutesAUsersFiresToThatEaWithoutFakingAHeartbeat) {
  EXPECT_EQ(run({"create-user", "alice", "--tier", "COMMANDER"}).code, 0);
  EXPECT_EQ(run({"bind-ea", "SIM_EA_000001", "nobody"}).code, 1);
  auto r = run({"bind-ea", "SIM_EA_000001", "alice"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto db = bitten::store::Database::open({(dir / "b.db").string()});
  ASSERT_TRUE(db.ok());
  auto ea = bitten::store::EaRepo(*db).for_user("alice");
  ASSERT_TRUE(ea && ea->has_value());
  EXPECT_EQ((*ea)->uuid, "SIM_EA_000001");
  EXPECT_EQ((*ea)->last_seen_ns, 0);  // still offline until it says HELLO
  EXPECT_EQ(run({"bind-ea", "SIM_EA_000001"}).code, 2);
}

#pragma once
// A real SQLite file in a fresh temporary directory, removed at the end of the test.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"
#include "bitten/store/user_repo.hpp"

namespace bitten::store::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bitten_store_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + "_" +
             std::to_string(reinterpret_cast<uintptr_t>(this) & 0xFFFFFF));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline Database open_db(const std::string& path, int busy_ms = 5000) {
  auto r = Database::open({path, busy_ms});
  if (!r) ADD_FAILURE() << r.error().code << ": " << r.error().message;
  return std::move(r).value();
}

inline void add_user(Database& db, const std::string& id, const std::string& tier = "COMMANDER") {
  UserRecord u;
  u.user_id = id;
  u.tier = tier;
  u.created_ns = 1;
  auto s = UserRepo(db).create(u);
  ASSERT_TRUE(s.ok()) << s.error().message;
}

}  // namespace bitten::store::testing

#pragma once
// A real SQLite file with users, bound EAs, signals and missions, and a risk setup that approves
// an EURUSD BUY (shipped risk.json and symbols.json). Shared by the unit and integration tests.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>

#include "bitten/core/ids.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/risk/fire_service.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "test_paths.hpp"

namespace bitten::execution::testing {

constexpr int64_t kSec = 1'000'000'000LL;
constexpr int64_t kNow = 20'000LL * 86'400 * kSec + 12 * 3600 * kSec;  // noon UTC

inline const SymbolTable& symbols() {
  static const SymbolTable t = std::move(SymbolTable::load_file(test::source_root() + "/config/symbols.json")).value();
  return t;
}
inline const risk::RiskConfig& risk_config() {
  static const risk::RiskConfig c = std::move(risk::load_risk_config(test::source_root() + "/config/risk.json")).value();
  return c;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("bitten_exec_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
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

inline store::Database open_db(const std::string& path) {
  auto r = store::Database::open({path});
  if (!r) ADD_FAILURE() << r.error().message;
  return std::move(r).value();
}

struct Quotes {
  std::map<std::string, risk::Quote, std::less<>> q;
  risk::QuoteSource source() const {
    return [this](std::string_view s) -> std::optional<risk::Quote> {
      auto it = q.find(s);
      if (it == q.end()) return std::nullopt;
      return it->second;
    };
  }
};

inline schema::SignalMsg signal_msg(const std::string& id, int64_t detected_ns, std::optional<double> probability = 0.8,
                                    bool accepted = true, const std::string& cls = "RAPID") {
  schema::SignalMsg s;
  s.signal_id = id;
  s.symbol = "EURUSD";
  s.direction = "BUY";
  s.pattern = "LIQUIDITY_SWEEP_REVERSAL";
  s.timeframe = "M5";
  s.signal_class = cls;
  s.session = "LONDON";
  s.entry = 1.1000;
  s.sl = 1.0980;
  s.tp = 1.1040;
  s.sl_pips = 20;
  s.tp_pips = 40;
  s.rr = 2;
  s.confidence = 75;
  s.spread_pips = 1;
  s.atr_pips = 10;
  s.bar_time_ns = detected_ns - 300 * kSec;
  s.detected_ns = detected_ns;
  s.source = "elite_guard";
  schema::SignalScore sc;
  sc.accepted = accepted;
  sc.probability = probability;
  sc.threshold = 0.6;
  sc.model_version = probability ? "m1" : "none";
  sc.reason = accepted ? "model_accept" : "model_reject";
  sc.scored_ns = detected_ns;
  s.score = sc;
  return s;
}

// A database with helpers to build the world a fire needs.
struct World {
  TempDir dir;
  std::string db_path = dir.file("bitten.db");
  store::Database db = open_db(db_path);
  IdGenerator ids{777};
  Quotes quotes;
  risk::FireService fire_service{db, risk_config(), symbols(), ids};

  World() { quotes.q["EURUSD"] = {1.10000, 1.10010, kNow}; }

  void add_user(const std::string& id, const std::string& tier, std::optional<int64_t> telegram = std::nullopt,
                const std::string& mode = "SELECT") {
    store::UserRecord u;
    u.user_id = id;
    u.tier = tier;
    u.telegram_id = telegram;
    u.created_ns = kNow;
    u.updated_ns = kNow;
    ASSERT_TRUE(store::UserRepo(db).create(u).ok());
    if (mode != "SELECT") {
      ASSERT_TRUE(store::UserRepo(db).set_mode(id, mode, kNow).ok());
    }
  }
  void add_ea(const std::string& uuid, const std::string& user, int64_t seen_ns = kNow - 5 * kSec) {
    store::EaReport r;
    r.uuid = uuid;
    r.node_id = "NODE_" + uuid;
    r.currency = "USD";
    r.balance = 10000;
    r.equity = 10000;
    r.seen_ns = seen_ns;
    ASSERT_TRUE(store::EaRepo(db).upsert(r).ok());
    ASSERT_TRUE(store::EaRepo(db).bind_user(uuid, user).ok());
  }
  std::string mission(const std::string& user, const std::string& signal_id, int64_t now = kNow) {
    auto rec = store::to_signal_record(signal_msg(signal_id, now - 60 * kSec), now);
    EXPECT_TRUE(store::SignalRepo(db).insert(rec).ok());
    store::MissionRecord m{"M_" + user + "_" + signal_id, user, signal_id, 0, now, risk_config().mission_expires_ns(now)};
    auto r = store::MissionRepo(db).create(m);
    EXPECT_TRUE(r.ok());
    return r->mission.mission_id;
  }
  // A QUEUED fire through the real FireService (the webapp's path).
  risk::FireOutcome queue_fire(const std::string& user, const std::string& signal_id, int64_t now = kNow) {
    auto m = mission(user, signal_id, now);
    auto r = fire_service.fire({user, m, risk::FireMode::Manual, std::nullopt, now}, quotes.source());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->state, store::FireState::QUEUED) << r->reason << " " << r->detail;
    return *r;
  }
  store::FireRecord fire(const std::string& id) {
    auto f = store::FireRepo(db).get(id);
    EXPECT_TRUE(f.ok() && f->has_value());
    return **f;
  }
};

}  // namespace bitten::execution::testing

#pragma once
// A snapshot that the engine approves (COMMANDER, EURUSD BUY, 1-pip spread, EA online with 10,000
// USD); each test changes one thing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "bitten/risk/config.hpp"
#include "bitten/risk/engine.hpp"

namespace bitten::risk::testing {

constexpr int64_t kSec = 1'000'000'000LL;
constexpr int64_t kNow = 20'000LL * 86'400 * kSec + 12 * 3600 * kSec;  // noon UTC

inline std::string source_root() {
  const char* r = std::getenv("BITTEN_SOURCE_ROOT");
  return r ? r : ".";
}

inline const SymbolTable& symbols() {
  static const SymbolTable t = [] {
    auto r = SymbolTable::load_file(source_root() + "/config/symbols.json");
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }();
  return t;
}

inline const RiskConfig& shipped_config() {
  static const RiskConfig c = [] {
    auto r = load_risk_config(source_root() + "/config/risk.json");
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }();
  return c;
}

struct QuoteBook {
  std::map<std::string, Quote, std::less<>> quotes;
  QuoteSource source() const {
    return [this](std::string_view s) -> std::optional<Quote> {
      auto it = quotes.find(s);
      if (it == quotes.end()) return std::nullopt;
      return it->second;
    };
  }
};

class risk_Engine : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg = shipped_config();
    req.user_id = "u1";
    req.mission_id = "M1";
    req.mode = FireMode::Manual;
    req.now_ns = kNow;

    store::UserRecord u;
    u.user_id = "u1";
    u.tier = "COMMANDER";
    snap.user = u;
    snap.user_mode = "SELECT";
    snap.mission = store::MissionRecord{"M1", "u1", "S1", 0, kNow - 60 * kSec, kNow + 840 * kSec};
    store::SignalRecord s;
    s.signal_id = "S1";
    s.symbol = "EURUSD";
    s.direction = "BUY";
    s.signal_class = "RAPID";
    s.entry = 1.1000;
    s.sl = 1.0980;
    s.tp = 1.1040;
    s.confidence = 75;
    s.probability = 0.7;
    s.atr_pips = 10;
    s.detected_ns = kNow - 60 * kSec;
    snap.signal = s;
    store::EaInstance ea;
    ea.uuid = "USER_UUID_123";
    ea.user_id = "u1";
    ea.currency = "USD";
    ea.balance = 10000;
    ea.equity = 10000;
    ea.sod_equity = 10000;
    ea.sod_day = 20'000;
    ea.last_seen_ns = kNow - 10 * kSec;
    snap.ea = ea;
    book.quotes["EURUSD"] = {1.10000, 1.10010, kNow - kSec};
    book.quotes["USDJPY"] = {150.000, 150.010, kNow - kSec};
    book.quotes["GBPUSD"] = {1.25000, 1.25010, kNow - kSec};
    snap.quotes = book.source();
  }

  RiskDecision run() { return evaluate(cfg, symbols(), req, snap); }
  void expect_refused(std::string_view reason) {
    auto d = run();
    EXPECT_FALSE(d.approved);
    EXPECT_EQ(d.reason, reason) << d.detail;
  }
  void expect_approved() {
    auto d = run();
    EXPECT_TRUE(d.approved) << d.reason << ": " << d.detail;
  }

  RiskConfig cfg;
  FireRequest req;
  RiskSnapshot snap;
  QuoteBook book;
};

}  // namespace bitten::risk::testing

#include <gtest/gtest.h>

#include "risk_fixture.hpp"

namespace bitten::risk {
namespace {

using namespace testing;

TEST(risk_Config, ShippedFileLoadsWithTheSeedTiers) {
  auto r = load_risk_config(source_root() + "/config/risk.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const char* t : {"PRESS", "GLADIATOR", "REAPER", "COMMANDER", "FANG", "FANG+"}) EXPECT_NE(r->tier(t), nullptr) << t;
  EXPECT_TRUE(r->tier("PRESS")->read_only());
  EXPECT_EQ(r->tier("GLADIATOR")->slots, 1);
  EXPECT_FALSE(r->tier("GLADIATOR")->can_auto);
  EXPECT_EQ(r->tier("REAPER")->slots, 2);
  EXPECT_FALSE(r->tier("REAPER")->can_auto);
  EXPECT_EQ(r->tier("COMMANDER")->slots, 3);
  EXPECT_TRUE(r->tier("COMMANDER")->can_auto);
  EXPECT_EQ(r->tier("FANG")->slots, 3);
  EXPECT_TRUE(r->tier("FANG+")->can_auto);
  EXPECT_EQ(r->mission_expiry_s, 900);
  EXPECT_DOUBLE_EQ(r->max_spread_pips("EURUSD"), 2.0);
  EXPECT_DOUBLE_EQ(r->max_spread_pips("NOPE"), r->spread_default_max_pips);
  EXPECT_EQ(r->mission_expires_ns(0), 900LL * 1'000'000'000LL);
  // Every symbol with a spread limit is a known symbol.
  for (const auto& [sym, _] : r->spread_max_pips) EXPECT_NE(symbols().find(sym), nullptr) << sym;
}

constexpr const char* kMinimal = R"({
  "tiers": {"T": {"slots": 1, "risk_pct": 1, "max_lot": 1, "can_manual": true, "can_auto": false,
                  "classes": ["RAPID"], "max_trades_per_day": 5, "daily_loss_pct": 5}},
  "spread": {"default_max_pips": 3},
  "ea_ttl_s": 90, "mission_expiry_s": 900, "quote_max_age_s": 30,
  "auto_fire": {"min_probability": 0.6, "allow_cold_start": false}
})";

TEST(risk_Config, MinimalConfigParses) {
  auto r = parse_risk_config(kMinimal);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->tiers.size(), 1u);
}

TEST(risk_Config, UnknownKeysAreErrorsAtEveryLevel) {
  std::string text = kMinimal;
  text.replace(text.find("\"slots\": 1"), 10, "\"slots\": 1, \"slotz\": 2");
  text.replace(text.find("\"ea_ttl_s\""), 0, "\"typo_key\": 1, ");
  auto r = parse_risk_config(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_config");
  EXPECT_NE(r.error().message.find("tiers.T.slotz: unknown key"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("typo_key: unknown key"), std::string::npos) << r.error().message;
}

TEST(risk_Config, AllProblemsAreReportedTogether) {
  auto r = parse_risk_config(R"({
    "tiers": {"T": {"slots": 0, "risk_pct": 50, "max_lot": 1, "can_manual": true, "can_auto": false,
                    "classes": ["RAPID", "ZOOM"], "max_trades_per_day": 5}},
    "spread": {"default_max_pips": -1, "max_pips": {"EURUSD": "wide"}},
    "ea_ttl_s": 0, "mission_expiry_s": 900, "quote_max_age_s": 30,
    "auto_fire": {"min_probability": 2, "allow_cold_start": "no"}
  })");
  ASSERT_FALSE(r.ok());
  const auto& m = r.error().message;
  for (const char* expect : {"risk_pct", "ZOOM", "daily_loss_pct", "slots", "default_max_pips", "max_pips.EURUSD",
                             "ea_ttl_s", "min_probability", "allow_cold_start"})
    EXPECT_NE(m.find(expect), std::string::npos) << expect << " missing from:\n" << m;
}

TEST(risk_Config, MissingTiersIsAnError) {
  auto r = parse_risk_config(R"({"spread": {"default_max_pips": 3}, "ea_ttl_s": 90, "mission_expiry_s": 900,
    "quote_max_age_s": 30, "auto_fire": {"min_probability": 0.6, "allow_cold_start": false}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("tiers"), std::string::npos);
}

}  // namespace
}  // namespace bitten::risk

#include <gtest/gtest.h>

#include <cstdlib>

#include "bitten/core/symbols.hpp"

using namespace bitten;

namespace {
SymbolTable load_project_table() {
  const char* root = std::getenv("BITTEN_SOURCE_ROOT");
  auto t = SymbolTable::load_file(std::string(root ? root : ".") + "/config/symbols.json");
  if (!t) throw std::runtime_error(t.error().message);
  return *t;
}
}  // namespace

TEST(Symbols, ProjectTableCoversTheOriginalNineteenPlusSilver) {
  auto t = load_project_table();
  for (const char* s : {"EURUSD", "GBPUSD", "USDCHF", "USDJPY", "AUDUSD", "NZDUSD", "EURJPY", "GBPJPY", "EURGBP",
                        "EURAUD", "GBPCAD", "AUDJPY", "NZDJPY", "CHFJPY", "CADJPY", "AUDCAD", "USDCNH", "AUDNZD",
                        "XAUUSD", "XAGUSD"}) {
    EXPECT_NE(t.find(s), nullptr) << s;
  }
}

TEST(Symbols, PipSizesForJpyGoldAndSilver) {
  auto t = load_project_table();
  EXPECT_DOUBLE_EQ(t.find("EURUSD")->pip_size, 0.0001);
  EXPECT_DOUBLE_EQ(t.find("USDJPY")->pip_size, 0.01);
  EXPECT_DOUBLE_EQ(t.find("GBPJPY")->pip_size, 0.01);
  EXPECT_DOUBLE_EQ(t.find("XAUUSD")->pip_size, 0.1);
  EXPECT_DOUBLE_EQ(t.find("XAGUSD")->pip_size, 0.001);
  EXPECT_EQ(t.find("USDJPY")->digits, 3);
  EXPECT_NEAR(t.find("EURUSD")->points_to_pips(15), 1.5, 1e-12);
}

TEST(Symbols, PipValueConvertsThroughLiveQuotes) {
  auto t = load_project_table();
  QuoteLookup quotes = [](std::string_view s) -> std::optional<double> {
    if (s == "USDJPY") return 150.0;
    if (s == "GBPUSD") return 1.25;
    return std::nullopt;
  };
  EXPECT_NEAR(*t.pip_value_per_lot("EURUSD", "USD", quotes), 10.0, 1e-9);
  EXPECT_NEAR(*t.pip_value_per_lot("USDJPY", "USD", quotes), 1000.0 / 150.0, 1e-9);
  EXPECT_NEAR(*t.pip_value_per_lot("EURGBP", "USD", quotes), 12.5, 1e-9);
  EXPECT_NEAR(*t.pip_value_per_lot("XAUUSD", "USD", quotes), 10.0, 1e-9);
  EXPECT_FALSE(t.pip_value_per_lot("EURAUD", "USD", quotes));  // no AUDUSD quote known
  EXPECT_FALSE(t.pip_value_per_lot("NOPE", "USD", quotes));
}

TEST(Symbols, VolumeIsNormalisedDownNeverInflated) {
  auto t = load_project_table();
  const auto& s = *t.find("EURUSD");
  EXPECT_DOUBLE_EQ(s.normalize_volume_down(0.3), 0.3);
  EXPECT_DOUBLE_EQ(s.normalize_volume_down(0.129), 0.12);
  EXPECT_DOUBLE_EQ(s.normalize_volume_down(0.009), 0.0);  // below minimum: refused, not raised to 0.01
  EXPECT_DOUBLE_EQ(s.normalize_volume_down(1e6), 100.0);
  EXPECT_DOUBLE_EQ(s.normalize_volume_down(-1), 0.0);
}

TEST(Symbols, BadFilesReportEveryProblem) {
  auto r = SymbolTable::parse(R"({"symbols":{"AAA":{"base":"A","quote":"B","digits":5,"pip_size":0.000001,
      "contract_size":0,"bogus":1},"BBB":{"base":"B"}}})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown key 'bogus'"), std::string::npos);
  EXPECT_NE(r.error().message.find("pip_size"), std::string::npos);
  EXPECT_NE(r.error().message.find("contract_size"), std::string::npos);
  EXPECT_NE(r.error().message.find("BBB"), std::string::npos);
  EXPECT_FALSE(SymbolTable::parse("not json"));
}

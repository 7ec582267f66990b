// Every expected file of the smart-money-concepts oracle, row for row: the 11 upstream files in
// smc/EURUSD and every file listed in smc/generated/MANIFEST.csv.
#include <gtest/gtest.h>

#include <map>

#include "bitten/market/csv.hpp"
#include "bitten/market/ohlc.hpp"
#include "oracle_call.hpp"
#include "table_compare.hpp"
#include "test_data.hpp"

namespace bitten::market {
namespace {

TEST(SmcOracle, UpstreamEurusdExpectedFiles) {
  const auto root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "BITTEN_SHARED_DATA not available: ../shared/data/real is needed";
  // The upstream test input has Volume = 0 (tick volume is in Tickvol), as the library saw it.
  auto ohlc = load_ohlc_csv(root + "/smc/EURUSD/EURUSD_15M.csv", "Volume");
  ASSERT_TRUE(ohlc.ok()) << ohlc.error().message;
  ASSERT_EQ(ohlc->size(), 24424u);
  // Which call produced each upstream file (from SOURCES.md §1).
  const std::map<std::string, std::string> calls = {
      {"fvg_result_data.csv", "fvg(join_consecutive=False)"},
      {"fvg_consecutive_result_data.csv", "fvg(join_consecutive=True)"},
      {"swing_highs_lows_result_data.csv", "swing_highs_lows(swing_length=5)"},
      {"bos_choch_result_data.csv", "bos_choch(swing_highs_lows(swing_length=5), close_break=True)"},
      {"ob_result_data.csv", "ob(swing_highs_lows(swing_length=5), close_mitigation=False)"},
      {"liquidity_result_data.csv", "liquidity(swing_highs_lows(swing_length=5), range_percent=0.01)"},
      {"previous_high_low_result_data_4h.csv", "previous_high_low(time_frame='4h')"},
      {"previous_high_low_result_data_1D.csv", "previous_high_low(time_frame='1D')"},
      {"previous_high_low_result_data_W.csv", "previous_high_low(time_frame='W')"},
      {"sessions_result_data.csv", "sessions(session='London')"},
      {"retracements_result_data.csv", "retracements(swing_highs_lows(swing_length=5))"},
  };
  for (const auto& [file, call] : calls) {
    SCOPED_TRACE(file);
    auto expected = read_csv_file(root + "/smc/EURUSD/" + file);
    ASSERT_TRUE(expected.ok()) << expected.error().message;
    auto actual = testing::run_oracle_call(*ohlc, call);
    ASSERT_TRUE(actual.ok()) << actual.error().message;
    EXPECT_TRUE(testing::table_matches(*actual, *expected)) << call;
  }
}

TEST(SmcOracle, EveryGeneratedFileInManifest) {
  const auto root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "BITTEN_SHARED_DATA not available: ../shared/data/real is needed";
  auto manifest = read_csv_file(root + "/smc/generated/MANIFEST.csv");
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  const auto& datasets = manifest->cells[static_cast<size_t>(manifest->find_column("dataset"))];
  const auto& outputs = manifest->cells[static_cast<size_t>(manifest->find_column("output"))];
  const auto& calls = manifest->cells[static_cast<size_t>(manifest->find_column("call"))];
  ASSERT_GE(manifest->rows(), 95u);
  std::map<std::string, OhlcSeries> inputs;
  size_t checked = 0;
  for (size_t r = 0; r < manifest->rows(); ++r) {
    SCOPED_TRACE(datasets[r] + "/" + outputs[r]);
    if (!inputs.count(datasets[r])) {
      auto ohlc = load_ohlc_csv(root + "/smc/generated/" + datasets[r] + "/input.csv");
      ASSERT_TRUE(ohlc.ok()) << ohlc.error().message;
      inputs.emplace(datasets[r], std::move(*ohlc));
    }
    auto expected = read_csv_file(root + "/smc/generated/" + datasets[r] + "/" + outputs[r]);
    ASSERT_TRUE(expected.ok()) << expected.error().message;
    auto actual = testing::run_oracle_call(inputs.at(datasets[r]), calls[r]);
    ASSERT_TRUE(actual.ok()) << actual.error().message;
    EXPECT_TRUE(testing::table_matches(*actual, *expected)) << calls[r];
    ++checked;
  }
  EXPECT_EQ(checked, manifest->rows());
}

}  // namespace
}  // namespace bitten::market

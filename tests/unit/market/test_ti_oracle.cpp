// Bollinger Bands (20, 2) and ATR(14) against the technicalindicators oracle, on every row.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "bitten/market/csv.hpp"
#include "bitten/market/indicators/atr.hpp"
#include "bitten/market/indicators/bollinger.hpp"
#include "bitten/market/ohlc.hpp"
#include "test_data.hpp"

namespace bitten::market {
namespace {

constexpr double kRelTol = 1e-9;

::testing::AssertionResult close_or_both_nan(double expected, double actual) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  if (std::isnan(expected) != std::isnan(actual))
    return ::testing::AssertionFailure() << "expected " << expected << " got " << actual;
  const double scale = std::max(std::fabs(expected), std::fabs(actual));
  if (std::fabs(expected - actual) <= kRelTol * scale || std::fabs(expected - actual) < 1e-15)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << expected << " got " << actual << " rel err "
                                       << std::fabs(expected - actual) / scale;
}

// Checks one input against its bb_20_2.csv and atr_14.csv; returns the number of rows checked.
size_t check_dataset(const std::string& input, const std::string& bb_file, const std::string& atr_file) {
  auto ohlc = load_ohlc_csv(input);
  EXPECT_TRUE(ohlc.ok()) << (ohlc.ok() ? "" : ohlc.error().message);
  auto bb = read_csv_file(bb_file);
  auto atr = read_csv_file(atr_file);
  EXPECT_TRUE(bb.ok() && atr.ok());
  if (!ohlc.ok() || !bb.ok() || !atr.ok()) return 0;
  const auto mid = bb->numeric_column(1), up = bb->numeric_column(2), lo = bb->numeric_column(3);
  const auto tr = atr->numeric_column(1), atr14 = atr->numeric_column(2);
  EXPECT_TRUE(mid.ok() && up.ok() && lo.ok() && tr.ok() && atr14.ok());
  EXPECT_EQ(bb->rows(), ohlc->size());
  EXPECT_EQ(atr->rows(), ohlc->size());
  const double nan = std::nan("");
  Bollinger bands(20, 2.0);
  Atr average_true_range(14);
  size_t failures = 0;
  for (size_t i = 0; i < std::min({ohlc->size(), bb->rows(), atr->rows()}); ++i) {
    const auto b = bands.update(ohlc->close[i]);
    const auto a = average_true_range.update(ohlc->high[i], ohlc->low[i], ohlc->close[i]);
    const auto t = average_true_range.true_range();
    const bool ok = close_or_both_nan((*mid)[i], b ? b->middle : nan) && close_or_both_nan((*up)[i], b ? b->upper : nan) &&
                    close_or_both_nan((*lo)[i], b ? b->lower : nan) && close_or_both_nan((*tr)[i], t ? *t : nan) &&
                    close_or_both_nan((*atr14)[i], a ? *a : nan);
    if (!ok && ++failures <= 5) ADD_FAILURE() << input << " row " << i;
  }
  EXPECT_EQ(failures, 0u);
  return ohlc->size();
}

TEST(TiOracle, BollingerAndAtrMatchEveryRowOfAllFourDatasets) {
  const auto root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "BITTEN_SHARED_DATA not available: ../shared/data/real is needed";
  auto manifest = read_csv_file(root + "/ti_oracle/MANIFEST.csv");
  ASSERT_TRUE(manifest.ok());
  const int ds = manifest->find_column("dataset");
  ASSERT_GE(ds, 0);
  std::set<std::string> datasets(manifest->cells[static_cast<size_t>(ds)].begin(),
                                 manifest->cells[static_cast<size_t>(ds)].end());
  ASSERT_EQ(datasets.size(), 4u);
  for (const auto& d : datasets) {
    const size_t rows = check_dataset(root + "/smc/generated/" + d + "/input.csv", root + "/ti_oracle/" + d + "/bb_20_2.csv",
                                      root + "/ti_oracle/" + d + "/atr_14.csv");
    EXPECT_GT(rows, 10000u) << d;
  }
}

TEST(TiOracle, BollingerAndAtrMatchShippedExcerpts) {
  const auto dir = testing::excerpt_dir();
  for (const char* d : {"EURUSD_15M_smc_tickvol", "XAUUSD_M1_oanda_bid_2014-05"}) {
    const std::string base = dir + "/" + d;
    ASSERT_TRUE(std::filesystem::exists(base + "/input.csv")) << base;
    EXPECT_GE(check_dataset(base + "/input.csv", base + "/bb_20_2.csv", base + "/atr_14.csv"), 400u) << d;
  }
}

}  // namespace
}  // namespace bitten::market

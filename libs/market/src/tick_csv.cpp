#include "bitten/market/tick_csv.hpp"

#include "bitten/market/csv.hpp"
#include "bitten/market/ohlc.hpp"

namespace bitten::market {

Result<std::vector<Tick>> load_ticks_csv(const std::string& path) {
  auto doc = read_csv_file(path);
  if (!doc) return doc.error();
  const int b = doc->find_column("bid"), a = doc->find_column("ask");
  if (b < 0 || a < 0 || doc->header.size() < 3) return make_error("ticks_missing_column", path + ": need time,bid,ask");
  auto bids = doc->numeric_column(static_cast<size_t>(b));
  if (!bids) return bids.error();
  auto asks = doc->numeric_column(static_cast<size_t>(a));
  if (!asks) return asks.error();
  std::vector<Tick> ticks;
  ticks.reserve(doc->rows());
  for (size_t r = 0; r < doc->rows(); ++r) {
    const auto t = parse_timestamp_ns(doc->cells[0][r]);
    if (!t) return make_error("ticks_bad_time", path + ": data row " + std::to_string(r + 1) + ": bad time '" + doc->cells[0][r] + "'");
    ticks.push_back(Tick{*t, (*bids)[r], (*asks)[r]});
  }
  return ticks;
}

}  // namespace bitten::market

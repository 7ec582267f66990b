// Liquidity pools, as smc.liquidity. The tolerance is a fraction of the whole input's range, so
// the result depends on data that comes later (documented as non-causal in docs/market.md).
#include <algorithm>
#include <cmath>
#include <limits>

#include "../first_index.hpp"
#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {

Table liquidity(const OhlcSeries& ohlc, const Table& swings, double range_percent) {
  const size_t n = ohlc.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> liq(n, nan), level(n, nan), end(n, nan), swept_out(n, nan);
  if (n == 0) return Table{};
  const double pip_range = (*std::max_element(ohlc.high.begin(), ohlc.high.end()) -
                            *std::min_element(ohlc.low.begin(), ohlc.low.end())) *
                           range_percent;
  std::vector<double> hl = swings.at("HighLow");  // copy: used members are marked 0
  const auto& lv = swings.at("Level");
  const detail::FirstIndex highs(ohlc.high), lows(ohlc.low);

  for (const int side : {1, -1}) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < n; ++i)
      if (hl[i] == side) idx.push_back(i);
    for (size_t a = 0; a < idx.size(); ++a) {
      const size_t i = idx[a];
      if (hl[i] != side) continue;
      const double lo = lv[i] - pip_range, hi = lv[i] + pip_range;
      const size_t hit = side == 1 ? highs.first_greater_equal(i + 1, hi) : lows.first_less_equal(i + 1, lo);
      const size_t swept = hit == detail::FirstIndex::npos ? 0 : hit;
      double sum = lv[i];
      size_t count = 1, group_end = i;
      for (size_t b = a + 1; b < idx.size(); ++b) {
        const size_t j = idx[b];
        if (swept != 0 && j >= swept) break;
        if (hl[j] == side && lo <= lv[j] && lv[j] <= hi) {
          sum += lv[j];
          ++count;
          group_end = j;
          hl[j] = 0;
        }
      }
      if (count > 1) {
        liq[i] = side;
        level[i] = static_cast<float>(sum / static_cast<double>(count));
        end[i] = static_cast<double>(group_end);
        swept_out[i] = static_cast<double>(swept);
      }
    }
  }
  Table t;
  t.add("Liquidity", ColumnKind::Float32, std::move(liq));
  t.add("Level", ColumnKind::Float32, std::move(level));
  t.add("End", ColumnKind::Float32, std::move(end));
  t.add("Swept", ColumnKind::Float32, std::move(swept_out));
  return t;
}

}  // namespace bitten::market::smc

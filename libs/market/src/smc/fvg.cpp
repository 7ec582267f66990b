// Fair value gaps, as smc.fvg: the gap is marked on the middle candle of three.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../first_index.hpp"
#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {

Table fvg(const OhlcSeries& ohlc, bool join_consecutive) {
  const size_t n = ohlc.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sign(n, nan), top(n, nan), bottom(n, nan), mitigated(n, nan);
  const auto& o = ohlc.open;
  const auto& h = ohlc.high;
  const auto& l = ohlc.low;
  const auto& c = ohlc.close;
  for (size_t i = 1; i + 1 < n; ++i) {
    if (h[i - 1] < l[i + 1] && c[i] > o[i]) {
      sign[i] = 1;
      top[i] = l[i + 1];
      bottom[i] = h[i - 1];
    } else if (l[i - 1] > h[i + 1] && c[i] < o[i]) {
      sign[i] = -1;
      top[i] = l[i - 1];  // upstream's choice, kept: the bearish "top" is the earlier candle's low
      bottom[i] = h[i + 1];
    }
  }
  if (join_consecutive) {
    // Sequential on purpose: a merged row i+1 is compared again with i+2, so a run collapses onto
    // its last row with the widest bounds.
    for (size_t i = 0; i + 1 < n; ++i) {
      if (!std::isnan(sign[i]) && sign[i] == sign[i + 1]) {
        top[i + 1] = std::max(top[i], top[i + 1]);
        bottom[i + 1] = std::min(bottom[i], bottom[i + 1]);
        sign[i] = top[i] = bottom[i] = nan;
      }
    }
  }
  const detail::FirstIndex lows(l), highs(h);
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(sign[i])) continue;
    const size_t j = sign[i] == 1 ? lows.first_less_equal(i + 2, top[i]) : highs.first_greater_equal(i + 2, bottom[i]);
    mitigated[i] = j == detail::FirstIndex::npos ? 0.0 : static_cast<double>(j);
  }
  Table t;
  t.add("FVG", ColumnKind::Float64, std::move(sign));
  t.add("Top", ColumnKind::Float64, std::move(top));
  t.add("Bottom", ColumnKind::Float64, std::move(bottom));
  t.add("MitigatedIndex", ColumnKind::Float64, std::move(mitigated));
  return t;
}

}  // namespace bitten::market::smc

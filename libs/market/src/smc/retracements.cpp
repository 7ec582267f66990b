// Retracements, as smc.retracements (including the one-row shift and the zeroed warm-up).
#include <algorithm>
#include <cmath>

#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {
namespace {
// numpy's round(x, 1) for float64: rint(x*10)/10 with ties to even, not Python's decimal rounding.
double np_round1(double x) { return std::nearbyint(x * 10.0) / 10.0; }
}  // namespace

Table retracements(const OhlcSeries& ohlc, const Table& swings) {
  const size_t n = ohlc.size();
  const auto& hl = swings.at("HighLow");
  const auto& lv = swings.at("Level");
  std::vector<int> dir(n, 0);
  std::vector<double> cur(n, 0.0), deep(n, 0.0);
  double top = 0.0, bottom = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (hl[i] == 1) {
      dir[i] = 1;
      top = lv[i];
    } else if (hl[i] == -1) {
      dir[i] = -1;
      bottom = lv[i];
    } else {
      dir[i] = i > 0 ? dir[i - 1] : 0;
    }
    // At i = 0 the original reads direction[-1], the (still zero) last element.
    const int prev = i > 0 ? dir[i - 1] : dir[n - 1];
    if (prev == 1) {
      const double divisor = top - bottom;
      cur[i] = divisor != 0 ? np_round1(100 - ((ohlc.low[i] - bottom) / divisor) * 100) : 0.0;
      deep[i] = std::max(i > 0 && prev == 1 ? deep[i - 1] : 0.0, cur[i]);
    }
    if (dir[i] == -1) {
      const double divisor = bottom - top;
      cur[i] = divisor != 0 ? np_round1(100 - ((ohlc.high[i] - top) / divisor) * 100) : 0.0;
      deep[i] = std::max(i > 0 && prev == -1 ? deep[i - 1] : 0.0, cur[i]);
    }
  }
  if (n > 0) {
    std::rotate(cur.rbegin(), cur.rbegin() + 1, cur.rend());
    std::rotate(deep.rbegin(), deep.rbegin() + 1, deep.rend());
    std::rotate(dir.rbegin(), dir.rbegin() + 1, dir.rend());
  }
  int changes = 0;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (dir[i] != dir[i + 1]) ++changes;
    dir[i] = 0;
    cur[i] = deep[i] = 0.0;
    if (changes == 3) {
      dir[i + 1] = 0;
      cur[i + 1] = deep[i + 1] = 0.0;
      break;
    }
  }
  Table t;
  t.add("Direction", ColumnKind::Int, std::vector<double>(dir.begin(), dir.end()));
  t.add("CurrentRetracement%", ColumnKind::Float64, std::move(cur));
  t.add("DeepestRetracement%", ColumnKind::Float64, std::move(deep));
  return t;
}

}  // namespace bitten::market::smc

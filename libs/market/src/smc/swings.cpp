// Swing highs and lows, as smc.swing_highs_lows.
#include <cmath>
#include <limits>

#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {
namespace {

// True when x[i] is the extreme of x[i-L+1 .. i+L] (ties count). A direct scan with early exit:
// most bars fail within a couple of comparisons, which beats a monotonic deque here.
template <class Beats>
bool is_window_extreme(const std::vector<double>& x, size_t i, size_t L, Beats beats) {
  const double v = x[i];
  for (size_t k = i - L + 1; k <= i + L; ++k)
    if (beats(x[k], v)) return false;
  return true;
}

}  // namespace

std::vector<double> swing_candidates(const OhlcSeries& ohlc, int swing_length) {
  const size_t n = ohlc.size();
  const size_t L = static_cast<size_t>(swing_length < 1 ? 1 : swing_length);
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  if (n < 2 * L) return out;
  // pandas' shift(-L).rolling(2L) is complete only for rows 2L-1 .. n-1-L.
  for (size_t i = 2 * L - 1; i + L < n; ++i) {
    if (is_window_extreme(ohlc.high, i, L, [](double a, double b) { return a > b; }))
      out[i] = 1;
    else if (is_window_extreme(ohlc.low, i, L, [](double a, double b) { return a < b; }))
      out[i] = -1;
  }
  return out;
}

Table swing_highs_lows(const OhlcSeries& ohlc, int swing_length) {
  const size_t n = ohlc.size();
  std::vector<double> hl = swing_candidates(ohlc, swing_length);
  const auto& h = ohlc.high;
  const auto& l = ohlc.low;

  // Alternation clean-up, one simultaneous pass at a time like the vectorised original: in every
  // pair of consecutive same-type swings the less extreme one goes (the earlier one on a tie).
  std::vector<size_t> pos;
  for (size_t i = 0; i < n; ++i)
    if (!std::isnan(hl[i])) pos.push_back(i);
  std::vector<char> remove;
  for (;;) {
    if (pos.size() < 2) break;
    remove.assign(pos.size(), 0);
    bool any = false;
    for (size_t k = 0; k + 1 < pos.size(); ++k) {
      const size_t a = pos[k], b = pos[k + 1];
      if (hl[a] == 1 && hl[b] == 1) {
        if (h[a] < h[b]) remove[k] = 1; else remove[k + 1] = 1;
        any = true;
      } else if (hl[a] == -1 && hl[b] == -1) {
        if (l[a] > l[b]) remove[k] = 1; else remove[k + 1] = 1;
        any = true;
      }
    }
    if (!any) break;
    size_t w = 0;
    for (size_t k = 0; k < pos.size(); ++k) {
      if (remove[k])
        hl[pos[k]] = std::numeric_limits<double>::quiet_NaN();
      else
        pos[w++] = pos[k];
    }
    pos.resize(w);
  }

  // Forced endpoints: the first and last rows get the opposite of the first and last swing.
  if (!pos.empty()) {
    const double first = hl[pos.front()], last = hl[pos.back()];
    hl[0] = -first;
    hl[n - 1] = -last;
  }
  std::vector<double> level(n, std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < n; ++i)
    if (!std::isnan(hl[i])) level[i] = hl[i] == 1 ? h[i] : l[i];
  Table t;
  t.add("HighLow", ColumnKind::Float64, std::move(hl));
  t.add("Level", ColumnKind::Float64, std::move(level));
  return t;
}

}  // namespace bitten::market::smc

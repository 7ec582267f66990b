// Swing highs and lows, as smc.swing_highs_lows.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// True when x[i] is the extreme of x[i-L+1 .. i+L] (ties count) by direct scan, and false when the
// window holds a NaN, as pandas' rolling max/min (NaN unless the window is complete) compares.
// Used only for series with a NaN (the CSV loaders refuse them; a caller may build one).
template <class Beats>
bool is_window_extreme(const std::vector<double>& x, size_t i, size_t L, Beats beats) {
  const double v = x[i];
  for (size_t k = i - L + 1; k <= i + L; ++k)
    if (std::isnan(x[k]) || beats(x[k], v)) return false;
  return true;
}

// Sliding extreme over windows of W = 2L rows (van Herk / Gil-Werman): within blocks of W rows, a
// running extreme from each block's start (pre) and towards its end (suf); a window starting at s
// covers at most two blocks, so its extreme is pick(suf[s], pre[s + W - 1]). Three branch-free
// passes, whatever L is, instead of a data-dependent scan per row.
template <class Pick>
void block_extremes(const std::vector<double>& x, size_t W, Pick pick, std::vector<double>& pre,
                    std::vector<double>& suf) {
  const size_t n = x.size();
  pre.resize(n);
  suf.resize(n);
  for (size_t b = 0; b < n; b += W) {
    const size_t e = std::min(n, b + W);
    double run = x[b];
    for (size_t j = b; j < e; ++j) pre[j] = run = pick(run, x[j]);
    run = x[e - 1];
    for (size_t j = e; j-- > b;) suf[j] = run = pick(run, x[j]);
  }
}

}  // namespace

std::vector<double> swing_candidates(const OhlcSeries& ohlc, int swing_length) {
  const size_t n = ohlc.size();
  const size_t L = static_cast<size_t>(swing_length < 1 ? 1 : swing_length);
  std::vector<double> out(n, kNaN);
  if (n < 2 * L) return out;
  const auto& h = ohlc.high;
  const auto& l = ohlc.low;
  // pandas' shift(-L).rolling(2L) is complete only for rows 2L-1 .. n-1-L.
  const bool has_nan = std::any_of(h.begin(), h.end(), [](double v) { return std::isnan(v); }) ||
                       std::any_of(l.begin(), l.end(), [](double v) { return std::isnan(v); });
  if (has_nan) {
    for (size_t i = 2 * L - 1; i + L < n; ++i) {
      if (is_window_extreme(h, i, L, [](double a, double b) { return a > b; }))
        out[i] = 1;
      else if (is_window_extreme(l, i, L, [](double a, double b) { return a < b; }))
        out[i] = -1;
    }
    return out;
  }
  const size_t W = 2 * L;
  std::vector<double> hpre, hsuf, lpre, lsuf;
  block_extremes(h, W, [](double a, double b) { return std::max(a, b); }, hpre, hsuf);
  block_extremes(l, W, [](double a, double b) { return std::min(a, b); }, lpre, lsuf);
  for (size_t i = 2 * L - 1; i + L < n; ++i) {
    const size_t s = i + 1 - L, e = i + L;  // the window s .. e holds row i
    const double hmax = std::max(hsuf[s], hpre[e]);
    const double lmin = std::min(lsuf[s], lpre[e]);
    // Row i is in its window, so "equals the extreme" is ">=" / "<=" (ties count).
    out[i] = h[i] >= hmax ? 1.0 : (l[i] <= lmin ? -1.0 : kNaN);
  }
  return out;
}

Table swing_highs_lows(const OhlcSeries& ohlc, int swing_length) {
  const size_t n = ohlc.size();
  std::vector<double> hl = swing_candidates(ohlc, swing_length);
  const auto& h = ohlc.high;
  const auto& l = ohlc.low;

  // Alternation clean-up. The original repeats simultaneous passes, each dropping the less extreme
  // of every pair of consecutive same-type swings (the later one on a tie), until none is left.
  // A run of consecutive same-type swings never loses its earliest most extreme member (it beats
  // both neighbours) and never vanishes, so runs cannot merge: the passes end with exactly that
  // member of each run. One pass over the runs gives the same result.
  size_t keep = SIZE_MAX;  // the kept member of the current run
  double first_type = kNaN, last_type = kNaN;
  for (size_t i = 0; i < n; ++i) {
    const double t = hl[i];
    if (std::isnan(t)) continue;
    if (keep != SIZE_MAX && hl[keep] == t) {
      const bool better = t == 1 ? h[i] > h[keep] : l[i] < l[keep];
      if (better) {
        hl[keep] = kNaN;
        keep = i;
      } else {
        hl[i] = kNaN;
      }
      continue;
    }
    keep = i;
    last_type = t;
    if (std::isnan(first_type)) first_type = t;
  }

  // Forced endpoints: the first and last rows get the opposite of the first and last swing.
  if (!std::isnan(first_type)) {
    hl[0] = -first_type;
    hl[n - 1] = -last_type;
  }
  std::vector<double> level(n, kNaN);
  for (size_t i = 0; i < n; ++i)
    if (!std::isnan(hl[i])) level[i] = hl[i] == 1 ? h[i] : l[i];
  Table t;
  t.add("HighLow", ColumnKind::Float64, std::move(hl));
  t.add("Level", ColumnKind::Float64, std::move(level));
  return t;
}

}  // namespace bitten::market::smc

// Order blocks, as smc.ob. The bullish and bearish passes share every per-row array, including
// the "breaker" (mitigated) flags, exactly like the original; reproducing that sharing is what
// makes the outputs match when both passes touch the same row.
#include <algorithm>
#include <cmath>
#include <limits>

#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {
namespace {

struct ObArrays {
  explicit ObArrays(size_t n)
      : ob(n, 0), top(n, 0.0f), bottom(n, 0.0f), volume(n, 0.0f), low_volume(n, 0.0f), high_volume(n, 0.0f),
        percentage(n, 0.0f), mitigated(n, 0), breaker(n, 0), crossed(n, 0) {}
  std::vector<int> ob;
  std::vector<float> top, bottom, volume, low_volume, high_volume, percentage;
  std::vector<long> mitigated;
  std::vector<char> breaker, crossed;

  void reset(size_t idx) {
    ob[idx] = 0;
    top[idx] = bottom[idx] = volume[idx] = low_volume[idx] = high_volume[idx] = percentage[idx] = 0.0f;
    mitigated[idx] = 0;
  }
  void set_volumes(size_t idx, const std::vector<double>& vol, size_t i, bool bullish) {
    const double cur = vol[i];
    const double prev1 = i >= 1 ? vol[i - 1] : 0.0;
    const double prev2 = i >= 2 ? vol[i - 2] : 0.0;
    volume[idx] = static_cast<float>(cur + prev1 + prev2);
    low_volume[idx] = static_cast<float>(bullish ? prev2 : cur + prev1);
    high_volume[idx] = static_cast<float>(bullish ? cur + prev1 : prev2);
    const float mx = std::max(high_volume[idx], low_volume[idx]);
    const float mn = std::min(high_volume[idx], low_volume[idx]);
    // float32 division, then a float64 multiply, stored back as float32 (numpy scalar rules).
    percentage[idx] = mx != 0.0f ? static_cast<float>(static_cast<double>(mn / mx) * 100.0) : 100.0f;
  }
};

// The original removes the first occurrence of a value from the list it is iterating a copy of.
void remove_first(std::vector<size_t>& v, size_t value) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it != v.end()) v.erase(it);
}

}  // namespace

Table ob(const OhlcSeries& ohlc, const Table& swings, bool close_mitigation) {
  const size_t n = ohlc.size();
  const auto& o = ohlc.open;
  const auto& h = ohlc.high;
  const auto& l = ohlc.low;
  const auto& c = ohlc.close;
  const auto& hl = swings.at("HighLow");
  ObArrays a(n);

  std::vector<size_t> swing_highs, swing_lows;
  for (size_t i = 0; i < n; ++i) {
    if (hl[i] == 1) swing_highs.push_back(i);
    if (hl[i] == -1) swing_lows.push_back(i);
  }

  // Bullish pass.
  std::vector<size_t> active;
  size_t sp = 0;  // number of swing highs strictly before i
  for (size_t i = 0; i < n; ++i) {
    const std::vector<size_t> snapshot = active;
    for (size_t idx : snapshot) {
      if (a.breaker[idx]) {
        if (h[i] > static_cast<double>(a.top[idx])) {
          a.reset(idx);
          remove_first(active, idx);
        }
      } else if ((!close_mitigation && l[i] < static_cast<double>(a.bottom[idx])) ||
                 (close_mitigation && std::min(o[i], c[i]) < static_cast<double>(a.bottom[idx]))) {
        a.breaker[idx] = 1;
        a.mitigated[idx] = static_cast<long>(i) - 1;
      }
    }
    while (sp < swing_highs.size() && swing_highs[sp] < i) ++sp;
    if (sp == 0) continue;
    const size_t s = swing_highs[sp - 1];
    if (!(c[i] > h[s]) || a.crossed[s]) continue;
    a.crossed[s] = 1;
    // Fallback when the breakout is the very next candle: candle i-1 with top and bottom swapped
    // (upstream quirk). i >= 1 here because s < i.
    size_t idx = i - 1;
    double ob_top = l[idx], ob_bottom = h[idx];
    if (i - s > 1) {
      size_t best = s + 1;
      for (size_t k = s + 1; k < i; ++k)
        if (l[k] <= l[best]) best = k;  // lowest low, latest on a tie
      idx = best;
      ob_top = h[best];
      ob_bottom = l[best];
    }
    a.ob[idx] = 1;
    a.top[idx] = static_cast<float>(ob_top);
    a.bottom[idx] = static_cast<float>(ob_bottom);
    a.set_volumes(idx, ohlc.volume, i, true);
    active.push_back(idx);
  }

  // Bearish pass (mirror image; mitigation index is i here, not i-1, as upstream).
  active.clear();
  sp = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::vector<size_t> snapshot = active;
    for (size_t idx : snapshot) {
      if (a.breaker[idx]) {
        if (l[i] < static_cast<double>(a.bottom[idx])) {
          a.reset(idx);
          remove_first(active, idx);
        }
      } else if ((!close_mitigation && h[i] > static_cast<double>(a.top[idx])) ||
                 (close_mitigation && std::max(o[i], c[i]) > static_cast<double>(a.top[idx]))) {
        a.breaker[idx] = 1;
        a.mitigated[idx] = static_cast<long>(i);
      }
    }
    while (sp < swing_lows.size() && swing_lows[sp] < i) ++sp;
    if (sp == 0) continue;
    const size_t s = swing_lows[sp - 1];
    if (!(c[i] < l[s]) || a.crossed[s]) continue;
    a.crossed[s] = 1;
    size_t idx = i - 1;
    double ob_top = h[idx], ob_bottom = l[idx];
    if (i - s > 1) {
      size_t best = s + 1;
      for (size_t k = s + 1; k < i; ++k)
        if (h[k] >= h[best]) best = k;  // highest high, latest on a tie
      idx = best;
      ob_top = h[best];
      ob_bottom = l[best];
    }
    a.ob[idx] = -1;
    a.top[idx] = static_cast<float>(ob_top);
    a.bottom[idx] = static_cast<float>(ob_bottom);
    a.set_volumes(idx, ohlc.volume, i, false);
    active.push_back(idx);
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> out_ob(n, nan), out_top(n, nan), out_bottom(n, nan), out_vol(n, nan), out_mit(n, nan),
      out_pct(n, nan);
  for (size_t i = 0; i < n; ++i) {
    if (a.ob[i] == 0) continue;
    out_ob[i] = a.ob[i];
    out_top[i] = a.top[i];
    out_bottom[i] = a.bottom[i];
    out_vol[i] = a.volume[i];
    out_mit[i] = static_cast<double>(a.mitigated[i]);
    out_pct[i] = a.percentage[i];
  }
  Table t;
  t.add("OB", ColumnKind::Float64, std::move(out_ob));
  t.add("Top", ColumnKind::Float32, std::move(out_top));
  t.add("Bottom", ColumnKind::Float32, std::move(out_bottom));
  t.add("OBVolume", ColumnKind::Float32, std::move(out_vol));
  t.add("MitigatedIndex", ColumnKind::Float64, std::move(out_mit));
  t.add("Percentage", ColumnKind::Float32, std::move(out_pct));
  return t;
}

}  // namespace bitten::market::smc

// Previous period high/low, as smc.previous_high_low, including pandas' resample labelling.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "bitten/core/time.hpp"
#include "bitten/market/smc/batch.hpp"

namespace bitten::market::smc {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86400 * kSecond;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Frequency {
  bool weekly = false;
  int64_t period_ns = 0;
};

Result<Frequency> parse_frequency(const std::string& tf) {
  size_t i = 0;
  int64_t mult = 1;
  while (i < tf.size() && std::isdigit(static_cast<unsigned char>(tf[i]))) ++i;
  if (i > 0) std::from_chars(tf.data(), tf.data() + i, mult);
  const std::string unit = tf.substr(i);
  if (mult <= 0) return make_error("bad_time_frame", "time frame multiplier must be positive: " + tf);
  if (unit == "W" || unit == "W-SUN") {
    if (mult != 1) return make_error("bad_time_frame", "only 1-week frames are supported: " + tf);
    return Frequency{true, 7 * kDay};
  }
  int64_t unit_ns = 0;
  if (unit == "s" || unit == "S") unit_ns = kSecond;
  else if (unit == "min" || unit == "T") unit_ns = 60 * kSecond;
  else if (unit == "h" || unit == "H") unit_ns = 3600 * kSecond;
  else if (unit == "D") unit_ns = kDay;
  else return make_error("bad_time_frame", "unsupported time frame '" + tf + "' (use <n>min, <n>h, <n>D or W)");
  return Frequency{false, mult * unit_ns};
}

}  // namespace

Result<Table> previous_high_low(const OhlcSeries& ohlc, const std::string& time_frame) {
  auto freq = parse_frequency(time_frame);
  if (!freq) return freq.error();
  const size_t n = ohlc.size();
  const auto& t = ohlc.time_ns;
  for (size_t i = 1; i < n; ++i)
    if (t[i] < t[i - 1]) return make_error("unsorted_times", "previous_high_low needs ascending times (row " + std::to_string(i) + ")");

  // Bin label of every bar. Fixed frequencies: left-closed, left-labelled bins counted from
  // midnight of the first day (pandas origin "start_day"). W (W-SUN): right-closed, right-labelled,
  // and pandas widens the bin edges to the end of the Sunday, so a bar's label is the Sunday 00:00
  // on or after its date.
  std::vector<int64_t> labels;
  std::vector<double> p_high, p_low;
  const int64_t origin = n ? floor_div(t[0], kDay) * kDay : 0;
  for (size_t i = 0; i < n; ++i) {
    int64_t label;
    if (freq->weekly) {
      const int64_t day = floor_div(t[i], kDay);
      label = (day + (6 - weekday_from_days(day))) * kDay;
    } else {
      label = origin + floor_div(t[i] - origin, freq->period_ns) * freq->period_ns;
    }
    if (labels.empty() || labels.back() != label) {
      labels.push_back(label);
      p_high.push_back(ohlc.high[i]);
      p_low.push_back(ohlc.low[i]);
    } else {
      p_high.back() = std::max(p_high.back(), ohlc.high[i]);
      p_low.back() = std::min(p_low.back(), ohlc.low[i]);
    }
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> prev_high(n, nan), prev_low(n, nan), broken_high(n, 0.0), broken_low(n, 0.0);
  if (labels.size() >= 2) {
    size_t k = 0;  // labels strictly earlier than t[i]
    long group = std::numeric_limits<long>::min();
    double run_max = 0.0, run_min = 0.0;
    for (size_t i = 0; i < n; ++i) {
      while (k < labels.size() && labels[k] < t[i]) ++k;
      // The reference is period k-2: a bar exactly on a period start counts as the last bar of
      // the period before (upstream quirk, kept).
      const long ref = static_cast<long>(k) - 2;
      if (ref != group) {
        group = ref;
        run_max = ohlc.high[i];
        run_min = ohlc.low[i];
      } else {
        run_max = std::max(run_max, ohlc.high[i]);
        run_min = std::min(run_min, ohlc.low[i]);
      }
      if (k <= 1) continue;
      const double ph = static_cast<float>(p_high[static_cast<size_t>(ref)]);
      const double pl = static_cast<float>(p_low[static_cast<size_t>(ref)]);
      prev_high[i] = ph;
      prev_low[i] = pl;
      broken_high[i] = run_max > ph ? 1.0 : 0.0;
      broken_low[i] = run_min < pl ? 1.0 : 0.0;
    }
  }
  Table out;
  out.add("PreviousHigh", ColumnKind::Float32, std::move(prev_high));
  out.add("PreviousLow", ColumnKind::Float32, std::move(prev_low));
  out.add("BrokenHigh", ColumnKind::Int, std::move(broken_high));
  out.add("BrokenLow", ColumnKind::Int, std::move(broken_low));
  return out;
}

}  // namespace bitten::market::smc

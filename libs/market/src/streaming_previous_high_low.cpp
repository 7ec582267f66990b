#include "bitten/market/streaming/streaming_previous_high_low.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "bitten/core/time.hpp"

namespace bitten::market {
namespace {
constexpr int64_t kDay = 86400LL * 1'000'000'000LL;
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
// The oracle stores these levels as float32. GCC 12 -O2 was seen to drop a plain
// static_cast<float> round trip in this function, so the rounding goes through memory.
double as_float32(double x) {
  volatile float f = static_cast<float>(x);
  return f;
}
}  // namespace

Result<StreamingPreviousHighLow> StreamingPreviousHighLow::create(const std::string& tf) {
  StreamingPreviousHighLow s;
  size_t i = 0;
  int64_t mult = 1;
  while (i < tf.size() && std::isdigit(static_cast<unsigned char>(tf[i]))) ++i;
  if (i > 0) std::from_chars(tf.data(), tf.data() + i, mult);
  const std::string unit = tf.substr(i);
  if (mult <= 0) return make_error("bad_time_frame", tf);
  if (unit == "W" || unit == "W-SUN") {
    if (mult != 1) return make_error("bad_time_frame", "only 1-week frames are supported: " + tf);
    s.weekly_ = true;
    return s;
  }
  int64_t unit_ns = 0;
  if (unit == "s" || unit == "S") unit_ns = 1'000'000'000LL;
  else if (unit == "min" || unit == "T") unit_ns = 60'000'000'000LL;
  else if (unit == "h" || unit == "H") unit_ns = 3'600'000'000'000LL;
  else if (unit == "D") unit_ns = kDay;
  else return make_error("bad_time_frame", "unsupported time frame '" + tf + "'");
  s.period_ns_ = mult * unit_ns;
  return s;
}

int64_t StreamingPreviousHighLow::label_of(int64_t t) const {
  if (weekly_) {
    const int64_t day = floor_div(t, kDay);
    return (day + (6 - weekday_from_days(day))) * kDay;
  }
  return origin_ + floor_div(t - origin_, period_ns_) * period_ns_;
}

PreviousHighLow StreamingPreviousHighLow::on_bar(int64_t t, double high, double low) {
  if (!has_origin_) {
    has_origin_ = true;
    origin_ = floor_div(t, kDay) * kDay;
  }
  const int64_t label = label_of(t);
  if (labels_.empty() || labels_.back() != label) {
    labels_.push_back(label);
    highs_.push_back(high);
    lows_.push_back(low);
  } else {
    highs_.back() = std::max(highs_.back(), high);
    lows_.back() = std::min(lows_.back(), low);
  }
  size_t k = labels_.size();
  while (k > 0 && labels_[k - 1] >= t) --k;  // labels strictly before t
  const long ref = static_cast<long>(k) - 2;
  if (ref != group_) {
    group_ = ref;
    run_max_ = high;
    run_min_ = low;
  } else {
    run_max_ = std::max(run_max_, high);
    run_min_ = std::min(run_min_, low);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (k <= 1) return PreviousHighLow{nan, nan, false, false};
  const double ph = as_float32(highs_[static_cast<size_t>(ref)]);
  const double pl = as_float32(lows_[static_cast<size_t>(ref)]);
  return PreviousHighLow{ph, pl, run_max_ > ph, run_min_ < pl};
}

}  // namespace bitten::market

#include "bitten/store/day.hpp"

namespace bitten::store {

namespace {
constexpr int64_t kNsPerDay = 86'400LL * 1'000'000'000LL;
}

int64_t utc_day(int64_t t_ns) {
  int64_t d = t_ns / kNsPerDay;
  if (t_ns < 0 && d * kNsPerDay != t_ns) --d;  // floor for times before the epoch
  return d;
}

int64_t utc_day_start_ns(int64_t t_ns) { return utc_day(t_ns) * kNsPerDay; }

}  // namespace bitten::store

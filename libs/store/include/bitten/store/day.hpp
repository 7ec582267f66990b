#pragma once
// The trading day is the UTC calendar day: daily loss and trade limits reset at 00:00 UTC.
#include <cstdint>

namespace bitten::store {

int64_t utc_day(int64_t t_ns);           // days since the epoch
int64_t utc_day_start_ns(int64_t t_ns);  // 00:00 UTC of that day, in ns

}  // namespace bitten::store

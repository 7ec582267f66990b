#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace bitten::webapp {

bool RateLimiter::allow(const std::string& key, int64_t now_ns) {
  // Forget full buckets now and then so the table does not grow with every IP ever seen.
  if (now_ns - last_sweep_ns_ > 60'000'000'000LL) {
    last_sweep_ns_ = now_ns;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double refilled = it->second.tokens + static_cast<double>(now_ns - it->second.last_ns) * 1e-9 * rate_;
      it = refilled >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now_ns});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(std::max<int64_t>(0, now_ns - b.last_ns)) * 1e-9 * rate_);
    b.last_ns = now_ns;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

int RateLimiter::retry_after_s(const std::string& key) const {
  auto it = buckets_.find(key);
  if (it == buckets_.end() || rate_ <= 0) return 1;
  return std::max(1, static_cast<int>(std::ceil((1.0 - it->second.tokens) / rate_)));
}

}  // namespace bitten::webapp

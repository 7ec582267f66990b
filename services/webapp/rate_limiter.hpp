#pragma once
// Token buckets keyed by user or IP: `burst` requests at once, refilled at `per_second`.
// Used by one thread (the HTTP thread); time is injected.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace bitten::webapp {

class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  // true: allowed (a token was taken); false: the caller answers 429.
  bool allow(const std::string& key, int64_t now_ns);
  // Seconds until the next token for this key (for Retry-After), at least 1.
  int retry_after_s(const std::string& key) const;
  size_t keys() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t last_ns;
  };
  double rate_, burst_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t last_sweep_ns_ = 0;
};

}  // namespace bitten::webapp

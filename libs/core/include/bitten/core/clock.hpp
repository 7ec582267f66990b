#pragma once
// Injectable clocks. Trading logic runs on event time carried by messages; these clocks are for
// operational concerns only (heartbeats, timeouts, TTLs) and are injected so tests can drive them.
#include <atomic>
#include <cstdint>

namespace bitten {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC wall time in nanoseconds since the Unix epoch.
  virtual int64_t now_ns() const = 0;
  // Monotonic time in nanoseconds (arbitrary origin), for durations.
  virtual int64_t mono_ns() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ns() const override;
  int64_t mono_ns() const override;
  static const SystemClock& instance();
};

// A clock that only moves when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ns = 0) : t_(start_ns) {}
  int64_t now_ns() const override { return t_.load(); }
  int64_t mono_ns() const override { return t_.load(); }
  void set(int64_t t) { t_.store(t); }
  void advance(int64_t dt) { t_.fetch_add(dt); }

 private:
  std::atomic<int64_t> t_;
};

constexpr int64_t kNsPerUs = 1'000;
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerSec = 1'000'000'000;

}  // namespace bitten

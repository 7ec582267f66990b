#pragma once
// Bars and ticks. Bars are built on the BID price (MT5 charts and the EA's OHLC bars are bid
// bars, so tick-built and EA bars describe the same series); the spread is carried alongside.
#include <cstdint>

namespace bitten::market {

enum class Timeframe : int { M1 = 60, M5 = 300, M15 = 900 };

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t period_ns(Timeframe tf) { return static_cast<int64_t>(tf) * kNanosPerSecond; }
// Start of the period containing t (floor, also for times before the epoch).
constexpr int64_t period_start(int64_t t_ns, Timeframe tf) {
  const int64_t p = period_ns(tf);
  const int64_t q = t_ns / p - ((t_ns % p != 0 && t_ns < 0) ? 1 : 0);
  return q * p;
}
const char* timeframe_name(Timeframe tf);

struct Tick {
  int64_t time_ns;  // event time (UTC), from the tick itself, never from the receiving clock
  double bid;
  double ask;
};

struct Bar {
  Timeframe timeframe = Timeframe::M1;
  int64_t open_time_ns = 0;  // aligned to the period boundary
  double open = 0, high = 0, low = 0, close = 0;
  uint64_t tick_count = 0;  // bar volume (FX tick volume from the feed is always 0)
  double spread_sum = 0;    // sum of ask−bid over the ticks seen
  uint64_t spread_samples = 0;
  double spread_max = 0;
  bool from_ea = false;  // OHLC set by the EA's broker bar (for M5/M15: every minute in it was)

  double mean_spread() const { return spread_samples ? spread_sum / static_cast<double>(spread_samples) : 0.0; }
};

// The EA's OHLC M1 bar (bid), the authority for its minute.
struct EaBar {
  int64_t open_time_ns;
  double open, high, low, close;
  uint64_t tick_volume = 0;  // 0 = unknown: the builder keeps its own tick count
};

enum class BarEventKind {
  Closed,     // first and normal emission of a bar
  Corrected,  // a bar already emitted (or a minute that had no ticks) revised by an EA bar
};

struct BarEvent {
  BarEventKind kind;
  Bar bar;
};

}  // namespace bitten::market

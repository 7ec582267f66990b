#pragma once
// Invented bars for pattern unit tests: a harness feeds candles (5-minute spacing, starting on a
// Wednesday in London hours) to one pattern through a SeriesState, exactly as the engine does.
#include <memory>
#include <optional>
#include <vector>

#include "bitten/patterns/pattern.hpp"

namespace bitten::patterns::test {

inline constexpr int64_t kStartNs = 1704880800LL * 1'000'000'000LL;  // 2024-01-10 10:00 UTC (Wed)
inline constexpr int64_t kBarNs = 300LL * 1'000'000'000LL;

struct Ohlc {
  double o, h, l, c;
};

class Harness {
 public:
  Harness(PatternId id, const PatternSetParams& p) : series_(p.indicators), pattern_(make_pattern(id, p)) {}
  std::optional<Detection> push(const Ohlc& b) {
    const int64_t t = kStartNs + static_cast<int64_t>(n_++) * kBarNs;
    series_.update(Candle{t, t + kBarNs, b.o, b.h, b.l, b.c});
    return pattern_->on_bar(series_);
  }
  // Feeds all bars; returns the detection of the last one and counts earlier ones in `earlier`.
  std::optional<Detection> run(const std::vector<Ohlc>& bars, int* earlier = nullptr) {
    std::optional<Detection> d;
    for (size_t i = 0; i < bars.size(); ++i) {
      d = push(bars[i]);
      if (d && i + 1 < bars.size() && earlier) ++*earlier;
    }
    return d;
  }
  const SeriesState& series() const { return series_; }

 private:
  SeriesState series_;
  std::unique_ptr<Pattern> pattern_;
  size_t n_ = 0;
};

// n bars drifting by `drift` per bar around `start`, +-half_range wide, open == close (no body).
inline void drift(std::vector<Ohlc>& v, int n, double start, double step, double half_range = 0.0005) {
  for (int i = 0; i < n; ++i) {
    const double m = start + step * i;
    v.push_back({m, m + half_range, m - half_range, m});
  }
}

}  // namespace bitten::patterns::test

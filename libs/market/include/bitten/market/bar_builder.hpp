#pragma once
// Incremental M1/M5/M15 bars from ticks and EA bars, driven only by event time.
//
// Rules (see docs/market.md, "Bars"):
// - A tick belongs to the period [start, start+P) containing its event time; one bar per period,
//   never duplicated, never overlapping; minutes without ticks produce no bar (gaps stay gaps).
// - M1 closes when a tick of a later minute arrives, an EA bar for it arrives, or advance(t)
//   passes its end. M5/M15 are aggregated from the closed M1 bars of their period, and close as
//   soon as their last minute closes or time passes their end.
// - A tick for a minute that is already closed is counted in stats().late_ticks and dropped: it
//   never reopens a bar.
// - An EA M1 bar replaces the OHLC of its minute. If that minute is still forming it closes with
//   the EA's values. If it was already emitted, a Corrected M1 event follows, and the M5/M15 that
//   contain it are either still forming (their later Closed event uses the corrected minute) or
//   re-emitted as Corrected. Corrections reach back over the current and previous M15 period;
//   older EA bars are counted in stats().ea_bars_too_old and dropped.
#include <array>
#include <climits>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "bitten/market/bar.hpp"

namespace bitten::market {

struct BarBuilderStats {
  uint64_t ticks_accepted = 0;
  uint64_t late_ticks = 0;     // for an already-closed minute: dropped
  uint64_t invalid_ticks = 0;  // non-finite or non-positive prices: dropped
  uint64_t ea_bars_applied = 0;
  uint64_t ea_bars_too_old = 0;
  uint64_t ea_bars_invalid = 0;
};

class BarBuilder {
 public:
  std::vector<BarEvent> on_tick(const Tick& tick);
  std::vector<BarEvent> on_ea_bar(const EaBar& bar);
  // Declares that event time has reached `now_ns`: closes every bar whose period ended.
  std::vector<BarEvent> advance(int64_t now_ns);
  // Closes whatever is forming (end of a replay).
  std::vector<BarEvent> flush();

  // The bar still forming, if any (never emitted as an event until it closes).
  std::optional<Bar> forming(Timeframe tf) const;
  const BarBuilderStats& stats() const { return stats_; }

 private:
  static constexpr std::array<Timeframe, 2> kHigher = {Timeframe::M5, Timeframe::M15};

  void close_m1(std::vector<BarEvent>& out, BarEventKind kind);
  void close_higher_until(std::vector<BarEvent>& out, int64_t now_ns);
  void close_higher(std::vector<BarEvent>& out, size_t k);
  void store_m1(const Bar& bar);
  std::optional<Bar> aggregate(Timeframe tf, int64_t start) const;
  void prune();

  std::optional<Bar> m1_;  // forming minute
  int64_t open_from_ns_ = INT64_MIN;  // every minute before this is closed
  std::deque<Bar> recent_m1_;  // closed M1 bars of the current and previous M15 period, by time
  std::array<std::optional<int64_t>, 2> forming_higher_{};  // period start of the forming M5/M15
  std::array<std::optional<int64_t>, 2> last_closed_higher_{};
  BarBuilderStats stats_;
};

}  // namespace bitten::market

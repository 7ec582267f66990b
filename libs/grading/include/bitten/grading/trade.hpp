#pragma once
// What is graded (a trade spec) and what grading says about it (an outcome with excursions).
// The label rule (docs/ml.md §Label): WIN when TP is touched before SL, LOSS when SL is touched first,
// SL wins a same-tick tie, TIMEOUT when neither is touched within the horizon. A BUY exits on the bid,
// a SELL on the ask.
#include <cstdint>
#include <optional>
#include <string_view>

#include "bitten/core/result.hpp"

namespace bitten::grading {

enum class Direction { Buy, Sell };
enum class Outcome { Pending, Win, Loss, Timeout };

std::string_view to_string(Direction d);
std::string_view to_string(Outcome o);  // "PENDING" | "WIN" | "LOSS" | "TIMEOUT"
// Accepts "BUY"/"SELL" (any case).
Result<Direction> parse_direction(std::string_view text);

// One quote. Both sides are needed: a BUY is closed at the bid, a SELL at the ask.
struct Quote {
  int64_t time_ns = 0;  // event time, UTC
  double bid = 0;
  double ask = 0;
};

// One bid/ask bar (e.g. an M1 quote bar). Covers [open_ns, open_ns + period_ns).
struct QuoteBar {
  int64_t open_ns = 0;
  int64_t period_ns = 60'000'000'000;
  double bid_open = 0, bid_high = 0, bid_low = 0, bid_close = 0;
  double ask_open = 0, ask_high = 0, ask_low = 0, ask_close = 0;
};

struct TradeSpec {
  Direction direction = Direction::Buy;
  double entry = 0;        // reference price for R and excursions: the signal's entry, or the fill price
  double sl = 0;
  double tp = 0;
  double pip_size = 0.0001;
  int64_t start_ns = 0;    // quotes with time_ns >= start_ns are graded; earlier ones are ignored
  int64_t horizon_ns = 0;  // decided by start_ns + horizon_ns (inclusive) or TIMEOUT

  int64_t deadline_ns() const { return start_ns + horizon_ns; }
  double risk_price() const;  // |entry - sl|, the size of 1 R in price units

  // The same order spec (sl, tp) graded from a real fill: entry = fill price, start = fill time.
  // The horizon is unchanged. SL and TP are never moved.
  TradeSpec from_fill(double fill_price, int64_t fill_ns) const;
};

// Refuses specs that cannot be graded: non-positive pip size or horizon, SL/TP on the wrong side of
// each other (BUY needs sl < tp, SELL needs sl > tp), entry at or beyond the SL (zero or negative risk).
// Entry beyond the TP is allowed (a fill can slip past it): the first graded quote then decides.
Status validate(const TradeSpec& spec);

struct GradeResult {
  Outcome outcome = Outcome::Pending;
  int64_t outcome_ns = 0;          // event time at which the outcome was decided (0 while pending)
  int64_t time_to_outcome_ns = 0;  // outcome_ns - start_ns
  // WIN/LOSS: the exit-side price at which the level was crossed. A gap through a level fills at the
  // quote beyond it (slippage), so exit_price may be worse than the SL or better than the TP.
  // TIMEOUT: the last exit-side price seen within the horizon (mark to market), or entry if none.
  double exit_price = 0;
  bool gapped = false;             // exit_price is beyond the level that was hit
  double result_pips = 0;          // signed P/L of exit_price vs entry, in pips
  double result_r = 0;             // result_pips in units of the initial risk
  double mfe_pips = 0;             // max favourable excursion (>= 0), exit side vs entry
  double mae_pips = 0;             // max adverse excursion (>= 0)
  double mfe_r = 0;
  double mae_r = 0;
  int64_t quotes_seen = 0;         // quotes (or bars) that were inside the graded window

  bool decided() const { return outcome != Outcome::Pending; }
  // Training label: 1 for WIN, 0 for LOSS, nullopt for TIMEOUT or PENDING (excluded from training).
  std::optional<int> label() const;
};

}  // namespace bitten::grading

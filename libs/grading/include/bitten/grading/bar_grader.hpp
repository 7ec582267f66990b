#pragma once
// Bar-based grading for when only bid/ask bars exist (backtests over M1 quote bars).
//
// A bar cannot say in which order its high and low happened, so (docs/ml.md §Label):
//  - a bar whose OPEN is already beyond a level decides at the open, at the open price (a gap);
//    an open beyond both is impossible for a valid spec except past-TP fills, and SL wins;
//  - otherwise, if the bar's range touches both SL and TP, SL is assumed first: LOSS (conservative);
//  - otherwise the one level touched decides, at the level price, timed at the bar's end;
//  - bars with open_ns < start_ns are ignored (only whole bars after the start are graded);
//  - a bar with open_ns > deadline (start_ns + horizon_ns) times out, as does on_time() past it;
//    a bar that opens within the horizon is graded in full.
// Excursions are conservative on the deciding bar: a LOSS bar contributes only its exit price,
// a WIN bar contributes its exit price and its full adverse extreme.
#include <optional>
#include <span>

#include "bitten/grading/trade.hpp"

namespace bitten::grading {

class BarGrader {
 public:
  static Result<BarGrader> create(const TradeSpec& spec);

  std::optional<GradeResult> on_bar(const QuoteBar& bar);
  std::optional<GradeResult> on_time(int64_t now_ns);

  bool decided() const { return result_.decided(); }
  const GradeResult& result() const { return result_; }
  const TradeSpec& spec() const { return spec_; }

 private:
  explicit BarGrader(const TradeSpec& spec);
  void finish(Outcome outcome, int64_t at_ns, double exit_price, bool gapped);

  TradeSpec spec_;
  double risk_pips_ = 0;
  double last_close_ = 0;
  GradeResult result_;
};

Result<GradeResult> grade_bars(const TradeSpec& spec, std::span<const QuoteBar> bars);

}  // namespace bitten::grading

#pragma once
// Incremental tick grader: feed quotes in event-time order, it answers once the outcome is decided.
//
//   auto g = Grader::create(spec);            // Result<Grader>
//   for (const Quote& q : stream) if (auto r = g->on_quote(q)) { /* decided: *r */ break; }
//   g->on_time(now_ns);                       // event time moved on without a quote: may time out
//
// Rules (docs/ml.md §Label):
//  - quotes before spec.start_ns are ignored; quotes at or after it are graded;
//  - BUY: SL hit when bid <= sl, TP hit when bid >= tp; SELL: SL hit when ask >= sl, TP when ask <= tp;
//  - SL wins a same-tick tie: quotes that share one timestamp have no reliable order, so when any of
//    them hits the SL the trade is a LOSS, even if another one at that same time hit the TP. An SL hit
//    therefore decides at once, while a TP hit becomes final only when a quote with a later time (or
//    on_time() past it) arrives; grade_quotes() finalises it at the end of its input;
//  - a quote with time_ns > start_ns + horizon_ns, or on_time() past that deadline, gives TIMEOUT at
//    the deadline; a quote exactly at the deadline is still graded;
//  - once decided the result is frozen; further quotes are ignored.
#include <optional>
#include <span>
#include <vector>

#include "bitten/grading/trade.hpp"

namespace bitten::grading {

class Grader {
 public:
  static Result<Grader> create(const TradeSpec& spec);

  // Returns the result when this quote decided the trade (or had already decided it).
  std::optional<GradeResult> on_quote(const Quote& q);
  // Event time advanced to now_ns without a quote: returns TIMEOUT once now_ns > deadline.
  std::optional<GradeResult> on_time(int64_t now_ns);

  bool decided() const { return result_.decided(); }
  // A TP hit waiting for its timestamp to close (see the tie rule above).
  bool win_pending() const { return tp_hit_ns_.has_value(); }
  // Declares that no more quotes will arrive at the current timestamp (end of input): a pending TP
  // hit becomes the final WIN. Returns the result when decided.
  std::optional<GradeResult> flush();
  // The running state (PENDING with excursions so far, or the final result).
  const GradeResult& result() const { return result_; }
  const TradeSpec& spec() const { return spec_; }

 private:
  explicit Grader(const TradeSpec& spec);
  void finish(Outcome outcome, int64_t at_ns, double exit_price, bool gapped);
  void timeout(int64_t at_ns);

  TradeSpec spec_;
  double risk_pips_ = 0;
  double last_exit_price_ = 0;
  std::optional<int64_t> tp_hit_ns_;
  double tp_exit_price_ = 0;
  bool tp_gapped_ = false;
  GradeResult result_;
};

// Grades over a finished vector of quotes (sorted by time). PENDING when the quotes end before the
// trade is decided and before the deadline (not enough data yet). Refuses an invalid spec.
Result<GradeResult> grade_quotes(const TradeSpec& spec, std::span<const Quote> quotes);

}  // namespace bitten::grading

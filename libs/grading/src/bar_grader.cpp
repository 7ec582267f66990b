#include "bitten/grading/bar_grader.hpp"

#include "excursion.hpp"

namespace bitten::grading {

Result<BarGrader> BarGrader::create(const TradeSpec& spec) {
  if (auto st = validate(spec); !st) return st.error();
  return BarGrader(spec);
}

BarGrader::BarGrader(const TradeSpec& spec) : spec_(spec), risk_pips_(spec.risk_price() / spec.pip_size) {
  last_close_ = spec.entry;
}

void BarGrader::finish(Outcome outcome, int64_t at_ns, double exit_price, bool gapped) {
  detail::finish(result_, spec_, risk_pips_, outcome, at_ns, exit_price, gapped);
}

std::optional<GradeResult> BarGrader::on_bar(const QuoteBar& b) {
  if (decided()) return result_;
  if (b.open_ns < spec_.start_ns) return std::nullopt;
  if (b.open_ns > spec_.deadline_ns()) {
    finish(Outcome::Timeout, spec_.deadline_ns(), last_close_, false);
    return result_;
  }
  const bool buy = spec_.direction == Direction::Buy;
  const double open = buy ? b.bid_open : b.ask_open;
  const double high = buy ? b.bid_high : b.ask_high;
  const double low = buy ? b.bid_low : b.ask_low;
  const double close = buy ? b.bid_close : b.ask_close;
  const double favourable = buy ? high : low;
  const double adverse = buy ? low : high;
  const int64_t bar_end = b.open_ns + b.period_ns;
  ++result_.quotes_seen;

  // The open is the bar's first quote, so a level already crossed there is not ambiguous.
  if (detail::sl_touched(spec_, open)) {
    detail::observe(result_, spec_, open, open);
    finish(Outcome::Loss, b.open_ns, open, detail::beyond(spec_, open, spec_.sl, true));
    return result_;
  }
  if (detail::tp_touched(spec_, open)) {
    detail::observe(result_, spec_, open, open);
    finish(Outcome::Win, b.open_ns, open, detail::beyond(spec_, open, spec_.tp, false));
    return result_;
  }
  const bool sl_in = detail::sl_touched(spec_, adverse);
  const bool tp_in = detail::tp_touched(spec_, favourable);
  if (sl_in) {  // with or without a TP touch in the same bar: SL is assumed first
    detail::observe(result_, spec_, open, spec_.sl);
    finish(Outcome::Loss, bar_end, spec_.sl, false);
    return result_;
  }
  if (tp_in) {
    detail::observe(result_, spec_, spec_.tp, adverse);
    finish(Outcome::Win, bar_end, spec_.tp, false);
    return result_;
  }
  detail::observe(result_, spec_, favourable, adverse);
  last_close_ = close;
  return std::nullopt;
}

std::optional<GradeResult> BarGrader::on_time(int64_t now_ns) {
  if (decided()) return result_;
  if (now_ns > spec_.deadline_ns()) {
    finish(Outcome::Timeout, spec_.deadline_ns(), last_close_, false);
    return result_;
  }
  return std::nullopt;
}

Result<GradeResult> grade_bars(const TradeSpec& spec, std::span<const QuoteBar> bars) {
  auto g = BarGrader::create(spec);
  if (!g) return g.error();
  for (const QuoteBar& b : bars) {
    if (auto r = g->on_bar(b)) return *r;
  }
  return g->result();
}

}  // namespace bitten::grading

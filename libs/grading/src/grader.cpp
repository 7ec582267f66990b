#include "bitten/grading/grader.hpp"

#include "excursion.hpp"

namespace bitten::grading {

Result<Grader> Grader::create(const TradeSpec& spec) {
  if (auto st = validate(spec); !st) return st.error();
  return Grader(spec);
}

Grader::Grader(const TradeSpec& spec) : spec_(spec), risk_pips_(spec.risk_price() / spec.pip_size) {
  last_exit_price_ = spec.entry;
}

void Grader::finish(Outcome outcome, int64_t at_ns, double exit_price, bool gapped) {
  tp_hit_ns_.reset();
  detail::finish(result_, spec_, risk_pips_, outcome, at_ns, exit_price, gapped);
}

void Grader::timeout(int64_t at_ns) { finish(Outcome::Timeout, at_ns, last_exit_price_, false); }

std::optional<GradeResult> Grader::on_quote(const Quote& q) {
  if (decided()) return result_;
  if (q.time_ns < spec_.start_ns) return std::nullopt;
  if (tp_hit_ns_ && q.time_ns > *tp_hit_ns_) {
    finish(Outcome::Win, *tp_hit_ns_, tp_exit_price_, tp_gapped_);
    return result_;
  }
  if (q.time_ns > spec_.deadline_ns()) {
    timeout(spec_.deadline_ns());
    return result_;
  }
  const double px = spec_.direction == Direction::Buy ? q.bid : q.ask;
  ++result_.quotes_seen;
  last_exit_price_ = px;
  detail::observe(result_, spec_, px, px);
  if (detail::sl_touched(spec_, px)) {  // decides at once: SL wins any tie at this timestamp
    finish(Outcome::Loss, q.time_ns, px, detail::beyond(spec_, px, spec_.sl, true));
    return result_;
  }
  if (!tp_hit_ns_ && detail::tp_touched(spec_, px)) {
    tp_hit_ns_ = q.time_ns;
    tp_exit_price_ = px;
    tp_gapped_ = detail::beyond(spec_, px, spec_.tp, false);
  }
  return std::nullopt;
}

std::optional<GradeResult> Grader::on_time(int64_t now_ns) {
  if (decided()) return result_;
  if (tp_hit_ns_ && now_ns > *tp_hit_ns_) {
    finish(Outcome::Win, *tp_hit_ns_, tp_exit_price_, tp_gapped_);
    return result_;
  }
  if (!tp_hit_ns_ && now_ns > spec_.deadline_ns()) {
    timeout(spec_.deadline_ns());
    return result_;
  }
  return std::nullopt;
}

std::optional<GradeResult> Grader::flush() {
  if (tp_hit_ns_) finish(Outcome::Win, *tp_hit_ns_, tp_exit_price_, tp_gapped_);
  if (decided()) return result_;
  return std::nullopt;
}

Result<GradeResult> grade_quotes(const TradeSpec& spec, std::span<const Quote> quotes) {
  auto g = Grader::create(spec);
  if (!g) return g.error();
  for (const Quote& q : quotes) {
    if (auto r = g->on_quote(q)) return *r;
  }
  g->flush();
  return g->result();
}

}  // namespace bitten::grading

#pragma once
// Shared arithmetic of the tick and bar graders (internal).
#include <algorithm>

#include "bitten/grading/trade.hpp"

namespace bitten::grading::detail {

// Signed P/L in pips of closing at exit-side price px.
inline double pnl_pips(const TradeSpec& s, double px) {
  const double d = s.direction == Direction::Buy ? px - s.entry : s.entry - px;
  return d / s.pip_size;
}

inline bool sl_touched(const TradeSpec& s, double px) {
  return s.direction == Direction::Buy ? px <= s.sl : px >= s.sl;
}
inline bool tp_touched(const TradeSpec& s, double px) {
  return s.direction == Direction::Buy ? px >= s.tp : px <= s.tp;
}
// px is strictly beyond the level in the direction of travel (a gap through it).
inline bool beyond(const TradeSpec& s, double px, double level, bool is_sl) {
  const bool buy = s.direction == Direction::Buy;
  if (is_sl) return buy ? px < level : px > level;
  return buy ? px > level : px < level;
}

inline void observe(GradeResult& r, const TradeSpec& s, double favourable_px, double adverse_px) {
  r.mfe_pips = std::max(r.mfe_pips, pnl_pips(s, favourable_px));
  r.mae_pips = std::max(r.mae_pips, -pnl_pips(s, adverse_px));
}

inline void finish(GradeResult& r, const TradeSpec& s, double risk_pips, Outcome o, int64_t at_ns, double exit_px,
                   bool gapped) {
  r.outcome = o;
  r.outcome_ns = at_ns;
  r.time_to_outcome_ns = at_ns - s.start_ns;
  r.exit_price = exit_px;
  r.gapped = gapped;
  r.result_pips = pnl_pips(s, exit_px);
  r.result_r = r.result_pips / risk_pips;
  r.mfe_r = r.mfe_pips / risk_pips;
  r.mae_r = r.mae_pips / risk_pips;
}

}  // namespace bitten::grading::detail

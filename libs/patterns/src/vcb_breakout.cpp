#include "bitten/patterns/vcb_breakout.hpp"

#include <algorithm>

namespace bitten::patterns {

std::optional<Detection> VcbBreakout::on_bar(const SeriesState& s) {
  const auto& bb = s.bb();
  const auto& kc = s.kc();
  if (!bb || !kc) {
    squeeze_run_ = 0;
    return std::nullopt;
  }
  const int run = squeeze_run_;
  squeeze_run_ = (bb->upper < kc->upper && bb->lower > kc->lower) ? squeeze_run_ + 1 : 0;
  const Candle& c = s.bar(0);
  const size_t look = static_cast<size_t>(p_.range_lookback);
  if (run < p_.min_squeeze_bars || c.range() <= 0 || s.available() <= look) return std::nullopt;
  const bool buy = c.close > std::max(bb->upper, kc->upper);
  const bool sell = c.close < std::min(bb->lower, kc->lower);
  if (!buy && !sell) return std::nullopt;
  double mean_range = 0;
  for (size_t k = 1; k <= look; ++k) mean_range += s.bar(k).range();
  mean_range /= static_cast<double>(look);
  const double ratio = mean_range > 0 ? c.range() / mean_range : 0;
  const double body = c.body() / c.range();
  if (ratio < p_.range_mult || body < p_.body_min_ratio) return std::nullopt;
  if (buy ? !c.bullish() : !c.bearish()) return std::nullopt;
  Detection d{buy ? Side::Buy : Side::Sell, buy ? c.low : c.high, 0, {}};
  d.confidence = 50 + 15 * clamp01(static_cast<double>(run - p_.min_squeeze_bars) / p_.min_squeeze_bars) +
                 15 * clamp01((ratio - p_.range_mult) / p_.range_mult) +
                 10 * clamp01((body - p_.body_min_ratio) / (1 - p_.body_min_ratio)) + 10 * s.session_weight();
  d.features = {{"vcb_squeeze_bars", static_cast<double>(run)}, {"vcb_range_ratio", ratio}, {"vcb_body_ratio", body},
                {"vcb_bb_kc_width", (bb->upper - bb->lower) / (kc->upper - kc->lower)}};
  return d;
}

}  // namespace bitten::patterns

#include "bitten/patterns/momentum_burst.hpp"

#include <algorithm>

namespace bitten::patterns {

std::optional<Detection> MomentumBurst::on_bar(const SeriesState& s) {
  const size_t n = static_cast<size_t>(p_.box_bars);
  const auto atr = s.atr();
  const Candle& c = s.bar(0);
  if (!atr || *atr <= 0 || s.available() <= n || c.range() <= 0) return std::nullopt;
  const double a = *atr;
  double hi = s.bar(1).high, lo = s.bar(1).low, sum = 0;
  for (size_t k = 1; k <= n; ++k) {
    const Candle& b = s.bar(k);
    hi = std::max(hi, b.high);
    lo = std::min(lo, b.low);
    sum += b.range();
  }
  const double box = hi - lo;
  const double mean_range = sum / static_cast<double>(n);
  if (box > p_.max_box_atr * a || mean_range <= 0) return std::nullopt;
  const double ratio = c.range() / mean_range;
  const double body = c.body() / c.range();
  if (ratio < p_.wide_mult || body < p_.body_min_ratio) return std::nullopt;
  const bool buy = c.bullish() && c.close >= hi + p_.breakout_min_atr * a;
  const bool sell = c.bearish() && c.close <= lo - p_.breakout_min_atr * a;
  if (!buy && !sell) return std::nullopt;
  Detection d{buy ? Side::Buy : Side::Sell, buy ? c.low : c.high, 0, {}};
  d.confidence = 50 + 15 * clamp01((ratio - p_.wide_mult) / p_.wide_mult) +
                 15 * clamp01((body - p_.body_min_ratio) / (1 - p_.body_min_ratio)) +
                 10 * clamp01(1 - box / (p_.max_box_atr * a)) + 10 * s.session_weight();
  d.features = {{"mb_box_atr", box / a}, {"mb_range_ratio", ratio}, {"mb_body_ratio", body},
                {"mb_breakout_atr", (buy ? c.close - hi : lo - c.close) / a}};
  return d;
}

}  // namespace bitten::patterns

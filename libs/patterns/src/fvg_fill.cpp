#include "bitten/patterns/fvg_fill.hpp"

namespace bitten::patterns {

std::optional<Detection> FairValueGapFill::on_bar(const SeriesState& s) {
  const auto& touched = s.fvg_events().mitigated;
  if (touched.empty()) return std::nullopt;
  const auto atr = s.atr();
  const auto ema = s.trend_ema();
  const Candle& c = s.bar(0);
  if (!atr || *atr <= 0 || !ema || c.range() <= 0) return std::nullopt;
  const double a = *atr;
  const size_t t = s.index();
  std::optional<Detection> best;
  double best_size = 0;
  for (size_t gi : touched) {
    const market::FairValueGap& g = s.fvg().gaps()[gi];
    const bool buy = g.type > 0;
    const double size = g.top - g.bottom;
    const double age = static_cast<double>(t - g.index);
    const double pos = buy ? (c.close - c.low) / c.range() : (c.high - c.close) / c.range();
    if (size < p_.min_gap_atr * a || age > p_.max_age) continue;
    if (buy ? !(c.close > *ema) : !(c.close < *ema)) continue;
    if (buy ? c.close < g.bottom : c.close > g.top) continue;
    if (pos < p_.close_pos_min || size <= best_size) continue;
    Detection d{buy ? Side::Buy : Side::Sell, buy ? std::min(g.bottom, c.low) : std::max(g.top, c.high), 0, {}};
    d.confidence = 50 + 15 * clamp01(size / a) + 15 * clamp01((pos - p_.close_pos_min) / (1 - p_.close_pos_min)) +
                   10 * clamp01(1 - age / p_.max_age) + 10 * s.session_weight();
    d.features = {{"fvg_gap_atr", size / a}, {"fvg_age", age}, {"fvg_close_pos", pos},
                  {"fvg_trend_dist_atr", (c.close - *ema) / a}};
    best = std::move(d);
    best_size = size;
  }
  return best;
}

}  // namespace bitten::patterns

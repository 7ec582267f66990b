#include "bitten/patterns/liquidity_sweep.hpp"

#include <algorithm>

namespace bitten::patterns {

std::optional<Detection> LiquiditySweepReversal::on_bar(const SeriesState& s) {
  const Candle& c = s.bar(0);
  const size_t t = s.index();
  auto expired = [&](const Level& l) { return t - l.index > static_cast<size_t>(p_.max_swing_age); };
  std::erase_if(highs_, expired);
  std::erase_if(lows_, expired);

  const auto atr = s.atr();
  std::optional<Detection> sell, buy;
  if (atr && *atr > 0 && c.range() > 0) {
    const double a = *atr;
    // SELL: the highest swept swing high.
    const Level* best = nullptr;
    for (const Level& l : highs_)
      if (c.high > l.price && (!best || l.price > best->price)) best = &l;
    if (best) {
      const double depth = c.high - best->price;
      const double wick = c.upper_wick() / c.range();
      if (depth >= p_.sweep_min_atr * a && depth <= p_.sweep_max_atr * a && c.close < best->price &&
          wick >= p_.wick_min_ratio && c.range() >= p_.min_range_atr * a) {
        const double back = best->price - c.close;
        const double age = static_cast<double>(t - best->index);
        Detection d{Side::Sell, c.high, 0, {}};
        d.confidence = 50 + 15 * clamp01((wick - p_.wick_min_ratio) / (1 - p_.wick_min_ratio)) +
                       15 * clamp01(back / (0.5 * a)) + 10 * clamp01(age / 20.0) + 10 * s.session_weight();
        d.features = {{"lsr_sweep_atr", depth / a}, {"lsr_wick_ratio", wick}, {"lsr_back_atr", back / a},
                      {"lsr_level_age", age}};
        sell = std::move(d);
      }
    }
    best = nullptr;
    for (const Level& l : lows_)
      if (c.low < l.price && (!best || l.price < best->price)) best = &l;
    if (best) {
      const double depth = best->price - c.low;
      const double wick = c.lower_wick() / c.range();
      if (depth >= p_.sweep_min_atr * a && depth <= p_.sweep_max_atr * a && c.close > best->price &&
          wick >= p_.wick_min_ratio && c.range() >= p_.min_range_atr * a) {
        const double back = c.close - best->price;
        const double age = static_cast<double>(t - best->index);
        Detection d{Side::Buy, c.low, 0, {}};
        d.confidence = 50 + 15 * clamp01((wick - p_.wick_min_ratio) / (1 - p_.wick_min_ratio)) +
                       15 * clamp01(back / (0.5 * a)) + 10 * clamp01(age / 20.0) + 10 * s.session_weight();
        d.features = {{"lsr_sweep_atr", depth / a}, {"lsr_wick_ratio", wick}, {"lsr_back_atr", back / a},
                      {"lsr_level_age", age}};
        buy = std::move(d);
      }
    }
  }
  // Liquidity traded through is gone, whether or not this bar qualified.
  std::erase_if(highs_, [&](const Level& l) { return c.high > l.price; });
  std::erase_if(lows_, [&](const Level& l) { return c.low < l.price; });
  if (const auto& sw = s.new_swing()) {
    (sw->type > 0 ? highs_ : lows_).push_back(Level{sw->level, sw->index});
  }
  if (sell && buy) return std::nullopt;
  return sell ? sell : buy;
}

}  // namespace bitten::patterns

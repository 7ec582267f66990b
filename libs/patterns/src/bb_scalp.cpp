#include "bitten/patterns/bb_scalp.hpp"

namespace bitten::patterns {

std::optional<Detection> BbScalp::on_bar(const SeriesState& s) {
  const auto& bb = s.bb();
  const auto rsi = s.rsi();
  const auto atr = s.atr();
  const Candle& c = s.bar(0);
  if (!bb || !rsi || !atr || *atr <= 0 || c.range() <= 0) return std::nullopt;
  const double upper_wick = c.upper_wick() / c.range();
  const double lower_wick = c.lower_wick() / c.range();
  const bool sell = c.high >= bb->upper && c.close < bb->upper && *rsi >= p_.rsi_high && upper_wick >= p_.wick_min_ratio;
  const bool buy = c.low <= bb->lower && c.close > bb->lower && *rsi <= p_.rsi_low && lower_wick >= p_.wick_min_ratio;
  if (sell == buy) return std::nullopt;  // neither, or an (impossible) both
  const double wick = sell ? upper_wick : lower_wick;
  const double excess = sell ? *rsi - p_.rsi_high : p_.rsi_low - *rsi;
  const double pierce = sell ? c.high - bb->upper : bb->lower - c.low;
  Detection d{sell ? Side::Sell : Side::Buy, sell ? c.high : c.low, 0, {}};
  d.confidence = 50 + 15 * clamp01(excess / 15.0) + 15 * clamp01((wick - p_.wick_min_ratio) / (1 - p_.wick_min_ratio)) +
                 10 * clamp01(pierce / (0.5 * *atr)) + 10 * s.session_weight();
  d.features = {{"bbs_rsi", *rsi}, {"bbs_wick_ratio", wick}, {"bbs_pierce_atr", pierce / *atr},
                {"bbs_bb_width_atr", (bb->upper - bb->lower) / *atr}};
  return d;
}

}  // namespace bitten::patterns

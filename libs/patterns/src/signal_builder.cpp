#include "bitten/patterns/signal_builder.hpp"

#include <algorithm>
#include <cmath>

#include "bitten/core/ids.hpp"
#include "bitten/core/time.hpp"

namespace bitten::patterns {

std::string_view rejection_name(Rejection r) {
  switch (r) {
    case Rejection::None: return "none";
    case Rejection::LowConfidence: return "low_confidence";
    case Rejection::SpreadTooWide: return "spread_too_wide";
    case Rejection::BadStructure: return "bad_structure";
    case Rejection::SlTooWide: return "sl_too_wide";
    case Rejection::SpreadVsSl: return "spread_vs_sl";
    case Rejection::Count: break;
  }
  return "unknown";
}

std::string make_signal_id(std::string_view symbol, std::string_view pattern, std::string_view timeframe,
                           int64_t bar_time_ns) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view part) {
    for (unsigned char ch : part) {
      h ^= ch;
      h *= 1099511628211ULL;
    }
    h ^= '|';
    h *= 1099511628211ULL;
  };
  mix(symbol);
  mix(pattern);
  mix(timeframe);
  mix(std::to_string(bar_time_ns));
  return "SIG_" + to_base36(h);
}

BuildResult build_signal(const Detection& d, PatternId pattern, const SeriesState& s, const BuildContext& ctx) {
  const RiskParams& risk = ctx.params.risk(pattern);
  const SymbolSpec& spec = ctx.spec;
  const Candle& c = s.bar(0);
  const double atr = s.atr().value_or(0);
  if (atr <= 0) return {std::nullopt, Rejection::BadStructure};
  if (d.confidence < risk.min_confidence) return {std::nullopt, Rejection::LowConfidence};

  const double spread = ctx.spread_price > 0 ? ctx.spread_price : 0;
  const double spread_pips = spec.price_to_pips(spread);
  const auto& per_symbol = ctx.params.spread.max_pips;
  const auto it = per_symbol.find(spec.name);
  const double max_spread = it != per_symbol.end() ? it->second : ctx.params.spread.default_max_pips;
  if (spread_pips > max_spread) return {std::nullopt, Rejection::SpreadTooWide};

  const bool buy = d.side == Side::Buy;
  const double entry_raw = buy ? c.close + spread : c.close;
  const double stop_level = buy ? d.structure_stop - risk.sl_buffer_atr * atr
                                : d.structure_stop + spread + risk.sl_buffer_atr * atr;
  double dist = buy ? entry_raw - stop_level : stop_level - entry_raw;
  if (!(dist > 0)) return {std::nullopt, Rejection::BadStructure};
  dist = std::max(dist, risk.sl_atr_min * atr);
  if (dist > risk.sl_atr_max * atr) return {std::nullopt, Rejection::SlTooWide};
  if (spread > ctx.params.spread.max_fraction_of_sl * dist) return {std::nullopt, Rejection::SpreadVsSl};

  schema::SignalMsg m;
  m.symbol = spec.name;
  m.pattern = std::string(pattern_name(pattern));
  m.timeframe = std::string(ctx.timeframe);
  m.direction = std::string(side_name(d.side));
  m.entry = spec.round_price(entry_raw);
  m.sl = spec.round_price(buy ? m.entry - dist : m.entry + dist);
  m.tp = spec.round_price(buy ? m.entry + risk.rr * dist : m.entry - risk.rr * dist);
  if (m.sl == m.entry || m.tp == m.entry) return {std::nullopt, Rejection::BadStructure};
  m.sl_pips = std::round(spec.price_to_pips(std::abs(m.entry - m.sl)) * 10) / 10;
  m.tp_pips = std::round(spec.price_to_pips(std::abs(m.tp - m.entry)) * 10) / 10;
  m.rr = std::round(std::abs(m.tp - m.entry) / std::abs(m.entry - m.sl) * 100) / 100;
  m.confidence = std::round(std::clamp(d.confidence, 0.0, 100.0) * 10) / 10;
  m.signal_class = (m.rr >= ctx.params.classes.sniper_min_rr && m.confidence >= ctx.params.classes.sniper_min_confidence)
                       ? "SNIPER"
                       : "RAPID";
  m.session = std::string(market::session_label_name(s.session()));
  m.spread_pips = std::round(spread_pips * 100) / 100;
  m.atr_pips = std::round(spec.price_to_pips(atr) * 100) / 100;
  m.bar_time_ns = c.open_time_ns;
  m.detected_ns = c.close_time_ns;
  m.source = std::string(ctx.source);
  m.signal_id = make_signal_id(m.symbol, m.pattern, m.timeframe, m.bar_time_ns);

  const int64_t secs = c.close_time_ns / 1'000'000'000;
  const int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  m.features["atr_pips"] = m.atr_pips;
  m.features["spread_pips"] = m.spread_pips;
  m.features["hour"] = static_cast<double>((secs - days * 86400) / 3600);
  m.features["dow"] = static_cast<double>(weekday_from_days(days));  // 0 = Monday
  for (const Feature& f : d.features) m.features[f.name] = std::round(f.value * 1e6) / 1e6;
  return {std::move(m), Rejection::None};
}

}  // namespace bitten::patterns

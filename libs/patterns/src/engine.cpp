#include "bitten/patterns/engine.hpp"

#include <algorithm>

namespace bitten::patterns {

struct DetectorEngine::SymbolState {
  SymbolState(const SymbolSpec& s, const EngineConfig& cfg) : spec(s), series(cfg.params.indicators) {
    for (PatternId id : cfg.patterns) patterns.push_back(make_pattern(id, cfg.params));
    last_fire_ns.fill(INT64_MIN);
  }
  const SymbolSpec& spec;
  market::BarBuilder builder;
  SeriesState series;
  std::vector<std::unique_ptr<Pattern>> patterns;
  double last_spread = 0;  // of the latest quote
  std::array<int64_t, kPatternCount> last_fire_ns{};
  std::deque<int64_t> recent_signals_ns;  // for the rolling hourly cap
  int64_t last_decided_open_ns = INT64_MIN;
};

DetectorEngine::DetectorEngine(EngineConfig config, const SymbolTable& symbols)
    : config_(std::move(config)), symbols_(symbols), timeframe_name_(market::timeframe_name(config_.timeframe)) {}
DetectorEngine::~DetectorEngine() = default;
DetectorEngine::DetectorEngine(DetectorEngine&&) noexcept = default;

DetectorEngine::SymbolState* DetectorEngine::state_for(std::string_view symbol) {
  if (auto it = states_.find(symbol); it != states_.end()) return it->second.get();
  const SymbolSpec* spec = symbols_.find(symbol);
  if (!spec) {
    ++stats_.unknown_symbol;
    return nullptr;
  }
  if (!config_.symbols.empty() &&
      std::find(config_.symbols.begin(), config_.symbols.end(), symbol) == config_.symbols.end()) {
    ++stats_.untraded_symbol;
    return nullptr;
  }
  auto [it, _] = states_.emplace(std::string(symbol), std::make_unique<SymbolState>(*spec, config_));
  return it->second.get();
}

void DetectorEngine::on_tick(const schema::TickMsg& tick, std::vector<schema::SignalMsg>& out) {
  SymbolState* st = state_for(tick.symbol);
  if (!st) return;
  ++stats_.ticks;
  // Bars this tick closes are decided with the spread of the last quote inside them.
  const double spread_in_closed_bar = st->last_spread;
  const uint64_t dropped_before = st->builder.stats().late_ticks + st->builder.stats().invalid_ticks;
  auto events = st->builder.on_tick(market::Tick{tick.time_ns, tick.bid, tick.ask});
  if (st->builder.stats().late_ticks + st->builder.stats().invalid_ticks != dropped_before) {
    ++stats_.late_or_invalid;
    return;
  }
  st->last_spread = tick.ask - tick.bid;
  handle_events(*st, events, spread_in_closed_bar, out);
}

void DetectorEngine::on_bar(const schema::BarMsg& bar, std::vector<schema::SignalMsg>& out) {
  if (bar.timeframe != "M1" || bar.source != "ea") {
    ++stats_.ignored_bar_msgs;
    return;
  }
  SymbolState* st = state_for(bar.symbol);
  if (!st) return;
  ++stats_.ea_bars;
  const auto ev = st->builder.on_ea_bar(
      market::EaBar{bar.open_time_ns, bar.open, bar.high, bar.low, bar.close, static_cast<uint64_t>(bar.ticks)});
  handle_events(*st, ev, st->last_spread, out);
}

void DetectorEngine::on_m1_bar(std::string_view symbol, const market::EaBar& bar, double close_spread,
                               std::vector<schema::SignalMsg>& out) {
  SymbolState* st = state_for(symbol);
  if (!st) return;
  ++stats_.ea_bars;
  st->last_spread = close_spread;
  const auto ev = st->builder.on_ea_bar(bar);
  handle_events(*st, ev, close_spread, out);
}

void DetectorEngine::on_closed_bar(std::string_view symbol, const market::Bar& bar, double close_spread,
                                   std::vector<schema::SignalMsg>& out) {
  SymbolState* st = state_for(symbol);
  if (!st || bar.timeframe != config_.timeframe) return;
  st->last_spread = close_spread;
  decide(*st, bar, close_spread, out);
}

void DetectorEngine::advance(int64_t now_ns, std::vector<schema::SignalMsg>& out) {
  for (auto& [_, st] : states_) handle_events(*st, st->builder.advance(now_ns), st->last_spread, out);
}

void DetectorEngine::flush(std::vector<schema::SignalMsg>& out) {
  for (auto& [_, st] : states_) handle_events(*st, st->builder.flush(), st->last_spread, out);
}

void DetectorEngine::handle_events(SymbolState& st, const std::vector<market::BarEvent>& events, double spread,
                                   std::vector<schema::SignalMsg>& out) {
  for (const market::BarEvent& e : events) {
    if (e.bar.timeframe != config_.timeframe) continue;
    if (e.kind == market::BarEventKind::Corrected) {
      ++stats_.bars_corrected;
      continue;
    }
    decide(st, e.bar, spread, out);
  }
}

void DetectorEngine::decide(SymbolState& st, const market::Bar& bar, double spread,
                            std::vector<schema::SignalMsg>& out) {
  if (bar.open_time_ns <= st.last_decided_open_ns) {  // never decide a bar twice, never go back
    ++stats_.bars_corrected;
    return;
  }
  st.last_decided_open_ns = bar.open_time_ns;
  ++stats_.bars_closed;
  const Candle c{bar.open_time_ns, bar.open_time_ns + market::period_ns(bar.timeframe), bar.open, bar.high, bar.low,
                 bar.close};
  st.series.update(c);
  const BuildContext ctx{st.spec, config_.params, timeframe_name_, config_.source, spread};
  const ThrottleParams& th = config_.params.throttle;
  for (auto& pattern : st.patterns) {
    auto d = pattern->on_bar(st.series);
    if (!d) continue;
    const auto pi = static_cast<size_t>(pattern->id());
    ++stats_.detections[pi];
    BuildResult r = build_signal(*d, pattern->id(), st.series, ctx);
    if (!r.signal) {
      ++stats_.rejected[static_cast<size_t>(r.rejection)];
      continue;
    }
    const int64_t now = c.close_time_ns;
    if (st.last_fire_ns[pi] != INT64_MIN && now - st.last_fire_ns[pi] < th.cooldown_s * 1'000'000'000LL) {
      ++stats_.throttled_cooldown;
      continue;
    }
    while (!st.recent_signals_ns.empty() && st.recent_signals_ns.front() <= now - 3600LL * 1'000'000'000LL)
      st.recent_signals_ns.pop_front();
    if (static_cast<int>(st.recent_signals_ns.size()) >= th.hourly_cap) {
      ++stats_.throttled_hourly;
      continue;
    }
    st.last_fire_ns[pi] = now;
    st.recent_signals_ns.push_back(now);
    ++stats_.signals[pi];
    out.push_back(std::move(*r.signal));
  }
}

}  // namespace bitten::patterns

#include "bitten/market/bar_builder.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace bitten::market {

const char* timeframe_name(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1: return "M1";
    case Timeframe::M5: return "M5";
    case Timeframe::M15: return "M15";
  }
  return "?";
}

namespace {
constexpr int64_t kMinute = period_ns(Timeframe::M1);

bool valid_price(double p) { return std::isfinite(p) && p > 0.0; }
}  // namespace

std::vector<BarEvent> BarBuilder::on_tick(const Tick& tick) {
  std::vector<BarEvent> out;
  if (!valid_price(tick.bid) || !valid_price(tick.ask)) {
    ++stats_.invalid_ticks;
    return out;
  }
  const int64_t minute = period_start(tick.time_ns, Timeframe::M1);
  if (minute < open_from_ns_ || (m1_ && minute < m1_->open_time_ns)) {
    ++stats_.late_ticks;
    return out;
  }
  if (m1_ && minute > m1_->open_time_ns) close_m1(out, BarEventKind::Closed);
  close_higher_until(out, minute);
  ++stats_.ticks_accepted;
  const double spread = tick.ask - tick.bid;
  if (!m1_) {
    Bar b;
    b.timeframe = Timeframe::M1;
    b.open_time_ns = minute;
    b.open = b.high = b.low = b.close = tick.bid;
    b.tick_count = 1;
    b.spread_sum = b.spread_max = spread;
    b.spread_samples = 1;
    m1_ = b;
    return out;
  }
  Bar& b = *m1_;
  b.high = std::max(b.high, tick.bid);
  b.low = std::min(b.low, tick.bid);
  b.close = tick.bid;
  ++b.tick_count;
  b.spread_sum += spread;
  ++b.spread_samples;
  b.spread_max = std::max(b.spread_max, spread);
  return out;
}

std::vector<BarEvent> BarBuilder::on_ea_bar(const EaBar& ea) {
  std::vector<BarEvent> out;
  const bool consistent = valid_price(ea.open) && valid_price(ea.high) && valid_price(ea.low) && valid_price(ea.close) &&
                          ea.low <= std::min(ea.open, ea.close) && ea.high >= std::max(ea.open, ea.close);
  if (!consistent || period_start(ea.open_time_ns, Timeframe::M1) != ea.open_time_ns) {
    ++stats_.ea_bars_invalid;
    return out;
  }
  const int64_t minute = ea.open_time_ns;
  auto apply = [&ea](Bar& b) {
    b.open = ea.open;
    b.high = ea.high;
    b.low = ea.low;
    b.close = ea.close;
    if (ea.tick_volume > 0) b.tick_count = ea.tick_volume;
    b.from_ea = true;
  };

  if (m1_ && minute == m1_->open_time_ns) {
    // The EA sends a bar when its minute is over, so the forming minute closes with its values.
    apply(*m1_);
    ++stats_.ea_bars_applied;
    close_m1(out, BarEventKind::Closed);
    return out;
  }
  if (minute >= open_from_ns_ && (!m1_ || minute > m1_->open_time_ns)) {
    // The EA is ahead of our ticks: everything before its minute is complete.
    if (m1_) close_m1(out, BarEventKind::Closed);
    close_higher_until(out, minute);
    Bar b;
    b.timeframe = Timeframe::M1;
    b.open_time_ns = minute;
    apply(b);
    m1_ = b;
    ++stats_.ea_bars_applied;
    close_m1(out, BarEventKind::Closed);
    return out;
  }

  // A minute that is already closed (with or without ticks).
  const int64_t keep_from = recent_m1_.empty() ? open_from_ns_
                                               : period_start(recent_m1_.back().open_time_ns, Timeframe::M15) -
                                                     period_ns(Timeframe::M15);
  if (minute < keep_from) {
    ++stats_.ea_bars_too_old;
    return out;
  }
  auto it = std::lower_bound(recent_m1_.begin(), recent_m1_.end(), minute,
                             [](const Bar& b, int64_t t) { return b.open_time_ns < t; });
  if (it == recent_m1_.end() || it->open_time_ns != minute) {
    Bar b;
    b.timeframe = Timeframe::M1;
    b.open_time_ns = minute;
    it = recent_m1_.insert(it, b);
  }
  apply(*it);
  ++stats_.ea_bars_applied;
  out.push_back(BarEvent{BarEventKind::Corrected, *it});
  for (size_t k = 0; k < kHigher.size(); ++k) {
    const int64_t start = period_start(minute, kHigher[k]);
    if (forming_higher_[k] && *forming_higher_[k] == start) continue;  // its close will include it
    if (last_closed_higher_[k] && start <= *last_closed_higher_[k]) {
      if (auto agg = aggregate(kHigher[k], start)) out.push_back(BarEvent{BarEventKind::Corrected, *agg});
    }
  }
  return out;
}

std::vector<BarEvent> BarBuilder::advance(int64_t now_ns) {
  std::vector<BarEvent> out;
  if (m1_ && now_ns >= m1_->open_time_ns + kMinute) close_m1(out, BarEventKind::Closed);
  close_higher_until(out, now_ns);
  open_from_ns_ = std::max(open_from_ns_, period_start(now_ns, Timeframe::M1));
  return out;
}

std::vector<BarEvent> BarBuilder::flush() {
  std::vector<BarEvent> out;
  if (m1_) close_m1(out, BarEventKind::Closed);
  for (size_t k = 0; k < kHigher.size(); ++k)
    if (forming_higher_[k]) close_higher(out, k);
  return out;
}

std::optional<Bar> BarBuilder::forming(Timeframe tf) const {
  if (tf == Timeframe::M1) return m1_;
  for (size_t k = 0; k < kHigher.size(); ++k)
    if (kHigher[k] == tf && forming_higher_[k]) return aggregate(tf, *forming_higher_[k]);
  return std::nullopt;
}

void BarBuilder::close_m1(std::vector<BarEvent>& out, BarEventKind kind) {
  const Bar bar = *m1_;
  m1_.reset();
  open_from_ns_ = std::max(open_from_ns_, bar.open_time_ns + kMinute);
  // A higher period that ended before this minute must close first, so events stay in time order.
  close_higher_until(out, bar.open_time_ns);
  store_m1(bar);
  out.push_back(BarEvent{kind, bar});
  for (size_t k = 0; k < kHigher.size(); ++k) {
    const int64_t start = period_start(bar.open_time_ns, kHigher[k]);
    forming_higher_[k] = start;
    if (bar.open_time_ns + kMinute == start + period_ns(kHigher[k])) close_higher(out, k);
  }
  prune();
}

void BarBuilder::close_higher_until(std::vector<BarEvent>& out, int64_t now_ns) {
  for (size_t k = 0; k < kHigher.size(); ++k)
    if (forming_higher_[k] && now_ns >= *forming_higher_[k] + period_ns(kHigher[k])) close_higher(out, k);
}

void BarBuilder::close_higher(std::vector<BarEvent>& out, size_t k) {
  const int64_t start = *forming_higher_[k];
  forming_higher_[k].reset();
  last_closed_higher_[k] = start;
  if (auto agg = aggregate(kHigher[k], start)) out.push_back(BarEvent{BarEventKind::Closed, *agg});
}

void BarBuilder::store_m1(const Bar& bar) {
  // Closed minutes arrive in time order except EA back-fills, which on_ea_bar inserts itself.
  recent_m1_.push_back(bar);
}

std::optional<Bar> BarBuilder::aggregate(Timeframe tf, int64_t start) const {
  const int64_t end = start + period_ns(tf);
  std::optional<Bar> agg;
  for (const Bar& m : recent_m1_) {
    if (m.open_time_ns < start || m.open_time_ns >= end) continue;
    if (!agg) {
      agg = m;
      agg->timeframe = tf;
      agg->open_time_ns = start;
      continue;
    }
    agg->high = std::max(agg->high, m.high);
    agg->low = std::min(agg->low, m.low);
    agg->close = m.close;
    agg->tick_count += m.tick_count;
    agg->spread_sum += m.spread_sum;
    agg->spread_samples += m.spread_samples;
    agg->spread_max = std::max(agg->spread_max, m.spread_max);
    agg->from_ea = agg->from_ea && m.from_ea;
  }
  return agg;
}

void BarBuilder::prune() {
  if (recent_m1_.empty()) return;
  const int64_t keep_from =
      period_start(recent_m1_.back().open_time_ns, Timeframe::M15) - period_ns(Timeframe::M15);
  while (!recent_m1_.empty() && recent_m1_.front().open_time_ns < keep_from) recent_m1_.pop_front();
}

}  // namespace bitten::market

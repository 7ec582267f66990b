#include "replay.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

#include "bitten/market/csv.hpp"
#include "bitten/market/ohlc.hpp"
#include "bitten/market/tick_csv.hpp"

namespace bitten::ea_sim {

namespace {

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

struct Columns {
  std::vector<int64_t> time_ns;
  std::vector<std::vector<double>> values;
};

// Reads a CSV and returns its time column (column 0) and the named numeric columns.
Result<Columns> read_columns(const std::string& path, const std::vector<std::string>& names,
                             int64_t source_utc_offset_s) {
  auto doc = market::read_csv_file(path);
  if (!doc) return doc.error();
  Columns c;
  for (const auto& n : names) {
    const int idx = doc->find_column(n);
    if (idx < 0) return make_error("replay_missing_column", path + ": no column '" + n + "'");
    auto col = doc->numeric_column(static_cast<size_t>(idx));
    if (!col) return col.error();
    c.values.push_back(std::move(*col));
  }
  c.time_ns.reserve(doc->rows());
  for (size_t r = 0; r < doc->rows(); ++r) {
    const auto t = market::parse_timestamp_ns(doc->cells[0][r]);
    if (!t) return make_error("replay_bad_time", path + ": data row " + std::to_string(r + 1) + ": '" + doc->cells[0][r] + "'");
    c.time_ns.push_back(*t - source_utc_offset_s * kNsPerSecond);
  }
  for (size_t r = 0; r < doc->rows(); ++r)
    for (size_t k = 0; k < c.values.size(); ++k)
      if (!std::isfinite(c.values[k][r]) || c.values[k][r] < 0)
        return make_error("replay_bad_price", path + ": data row " + std::to_string(r + 1) + ": column '" + names[k] + "'");
  return c;
}

}  // namespace

Result<FeedFormat> parse_feed_format(std::string_view name) {
  if (name == "lean_ticks") return FeedFormat::LeanTicks;
  if (name == "lean_m1") return FeedFormat::LeanM1;
  if (name == "nautilus_m1") return FeedFormat::NautilusM1;
  if (name == "smc_m15") return FeedFormat::SmcM15;
  return make_error("bad_format", "unknown replay format '" + std::string(name) +
                                      "' (lean_ticks, lean_m1, nautilus_m1, smc_m15)");
}

Result<std::vector<Quote>> read_ticks(const FeedSpec& spec, const std::string& base_dir) {
  if (spec.format != FeedFormat::LeanTicks) return make_error("replay_not_ticks", spec.path + ": not a tick format");
  auto ticks = market::load_ticks_csv(resolve(spec.path, base_dir));
  if (!ticks) return ticks.error();
  std::vector<Quote> out;
  out.reserve(ticks->size());
  for (const auto& t : *ticks) {
    if (!(t.bid > 0) || !(t.ask > 0) || t.ask < t.bid) continue;  // unusable quote: not replayed
    out.push_back(Quote{t.time_ns - spec.source_utc_offset_s * kNsPerSecond, t.bid, t.ask});
  }
  // Sources are sorted; a stable sort keeps that promise for hand-made files too.
  std::stable_sort(out.begin(), out.end(), [](const Quote& a, const Quote& b) { return a.time_ns < b.time_ns; });
  return out;
}

Result<std::vector<SourceBar>> read_bars(const FeedSpec& spec, const std::string& base_dir) {
  std::vector<SourceBar> bars;
  const std::string path = resolve(spec.path, base_dir);
  switch (spec.format) {
    case FeedFormat::LeanTicks:
      return make_error("replay_not_bars", path + ": lean_ticks is a tick format");
    case FeedFormat::LeanM1: {
      auto c = read_columns(path, {"bid_open", "bid_high", "bid_low", "bid_close", "ask_open", "ask_high", "ask_low", "ask_close"},
                            spec.source_utc_offset_s);
      if (!c) return c.error();
      for (size_t r = 0; r < c->time_ns.size(); ++r) {
        SourceBar b;
        b.open_time_ns = c->time_ns[r];
        b.period_s = 60;
        b.open = c->values[0][r], b.high = c->values[1][r], b.low = c->values[2][r], b.close = c->values[3][r];
        b.has_ask = true;
        b.ask_open = c->values[4][r], b.ask_high = c->values[5][r], b.ask_low = c->values[6][r], b.ask_close = c->values[7][r];
        bars.push_back(b);
      }
      break;
    }
    case FeedFormat::NautilusM1: {
      auto c = read_columns(path, {"open", "high", "low", "close"}, spec.source_utc_offset_s);
      if (!c) return c.error();
      std::map<int64_t, size_t> ask_row;
      Columns ask;
      if (!spec.ask_path.empty()) {
        auto a = read_columns(resolve(spec.ask_path, base_dir), {"open", "high", "low", "close"}, spec.source_utc_offset_s);
        if (!a) return a.error();
        ask = std::move(*a);
        for (size_t r = 0; r < ask.time_ns.size(); ++r) ask_row[ask.time_ns[r]] = r;
      }
      for (size_t r = 0; r < c->time_ns.size(); ++r) {
        SourceBar b;
        b.open_time_ns = c->time_ns[r];
        b.period_s = 60;
        b.open = c->values[0][r], b.high = c->values[1][r], b.low = c->values[2][r], b.close = c->values[3][r];
        if (auto it = ask_row.find(b.open_time_ns); it != ask_row.end()) {
          b.has_ask = true;
          b.ask_open = ask.values[0][it->second], b.ask_high = ask.values[1][it->second];
          b.ask_low = ask.values[2][it->second], b.ask_close = ask.values[3][it->second];
        }
        bars.push_back(b);
      }
      break;
    }
    case FeedFormat::SmcM15: {
      auto c = read_columns(path, {"open", "high", "low", "close", "spread"}, spec.source_utc_offset_s);
      if (!c) return c.error();
      for (size_t r = 0; r < c->time_ns.size(); ++r) {
        SourceBar b;
        b.open_time_ns = c->time_ns[r];
        b.period_s = 900;
        b.open = c->values[0][r], b.high = c->values[1][r], b.low = c->values[2][r], b.close = c->values[3][r];
        b.spread_points = c->values[4][r];
        bars.push_back(b);
      }
      break;
    }
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const SourceBar& b = bars[i];
    if (!(b.low > 0) || b.low > std::min(b.open, b.close) || b.high < std::max(b.open, b.close))
      return make_error("replay_bad_bar", path + ": data row " + std::to_string(i + 1) + ": inconsistent OHLC");
    if (i > 0 && b.open_time_ns <= bars[i - 1].open_time_ns)
      return make_error("replay_unsorted", path + ": data row " + std::to_string(i + 1) + ": time not increasing");
  }
  return bars;
}

std::vector<Quote> synthesise_bar_ticks(const SourceBar& source, const SymbolSpec& spec, double spread_points, int n) {
  // The broker quotes on its own price grid: the bar is first rounded to the symbol's digits
  // (rounding is monotone, so every rounded point of the path stays inside the rounded range).
  SourceBar bar = source;
  for (double* v : {&bar.open, &bar.high, &bar.low, &bar.close, &bar.ask_open, &bar.ask_high, &bar.ask_low, &bar.ask_close})
    *v = spec.round_price(*v);
  const int64_t period = std::max<int64_t>(bar.period_s, 4);
  n = static_cast<int>(std::clamp<int64_t>(n, 4, period));
  // Anchors: open, nearer extreme, other extreme, close.
  const bool high_first = std::fabs(bar.high - bar.open) < std::fabs(bar.open - bar.low);
  const double anchor_bid[4] = {bar.open, high_first ? bar.high : bar.low, high_first ? bar.low : bar.high, bar.close};
  double anchor_spread[4];
  const double fallback = (bar.spread_points >= 0 ? bar.spread_points : spread_points) * spec.point;
  if (bar.has_ask) {
    const double ask_hi = bar.ask_high - bar.high, ask_lo = bar.ask_low - bar.low;
    anchor_spread[0] = bar.ask_open - bar.open;
    anchor_spread[1] = high_first ? ask_hi : ask_lo;
    anchor_spread[2] = high_first ? ask_lo : ask_hi;
    anchor_spread[3] = bar.ask_close - bar.close;
  } else {
    for (double& s : anchor_spread) s = fallback;
  }
  for (double& s : anchor_spread) s = std::max(s, spec.point);  // a quote always has ask > bid
  // Tick k of n sits at position k/(n-1) along the path; the path's three legs get n-1 steps
  // split in proportion to their length (at least one step each).
  std::vector<Quote> out;
  out.reserve(static_cast<size_t>(n));
  const double legs[3] = {std::fabs(anchor_bid[1] - anchor_bid[0]), std::fabs(anchor_bid[2] - anchor_bid[1]),
                          std::fabs(anchor_bid[3] - anchor_bid[2])};
  const double total = legs[0] + legs[1] + legs[2];
  int steps[3];
  const int free_steps = n - 1 - 3;
  int used = 0;
  for (int k = 0; k < 3; ++k) {
    steps[k] = 1 + (total > 0 ? static_cast<int>(std::floor(free_steps * legs[k] / total)) : free_steps / 3);
    used += steps[k];
  }
  steps[1] += (n - 1) - used;  // remainder on the middle leg
  auto emit = [&](int index, double bid, double spread) {
    // Distinct whole seconds spread over the bar: second index*(period-1)/(n-1).
    const int64_t sec = static_cast<int64_t>(index) * (period - 1) / (n - 1);
    const double b = std::clamp(spec.round_price(bid), bar.low, bar.high);
    out.push_back(Quote{bar.open_time_ns + sec * kNsPerSecond, b, spec.round_price(b + spread)});
  };
  int index = 0;
  emit(index++, anchor_bid[0], anchor_spread[0]);
  for (int leg = 0; leg < 3; ++leg) {
    for (int s = 1; s <= steps[leg]; ++s) {
      const double f = static_cast<double>(s) / steps[leg];
      emit(index++, anchor_bid[leg] + (anchor_bid[leg + 1] - anchor_bid[leg]) * f,
           anchor_spread[leg] + (anchor_spread[leg + 1] - anchor_spread[leg]) * f);
    }
  }
  return out;
}

Result<SymbolFeed> load_feed(const FeedSpec& spec, const SymbolSpec& symbol, const std::string& base_dir) {
  SymbolFeed feed;
  feed.symbol = spec.symbol;
  if (spec.format == FeedFormat::LeanTicks) {
    auto q = read_ticks(spec, base_dir);
    if (!q) return q.error();
    feed.quotes = std::move(*q);
  } else {
    auto bars = read_bars(spec, base_dir);
    if (!bars) return bars.error();
    feed.bars = std::move(*bars);
    feed.synthetic = true;
    for (const auto& b : feed.bars) {
      const int n = spec.ticks_per_bar > 0 ? spec.ticks_per_bar : static_cast<int>(b.period_s / 5);
      auto path = synthesise_bar_ticks(b, symbol, spec.spread_points, n);
      feed.quotes.insert(feed.quotes.end(), path.begin(), path.end());
    }
  }
  if (feed.quotes.empty()) return make_error("replay_empty", spec.path + ": no usable quotes");
  return feed;
}

int64_t whole_week_shift_to(int64_t first_ns, int64_t now_ns) {
  if (now_ns - first_ns < kWeekNs) return 0;
  return ((now_ns - first_ns) / kWeekNs) * kWeekNs;
}

ReplayMerge::ReplayMerge(const std::vector<SymbolFeed>& feeds, int64_t shift_ns, bool loop, int64_t loop_align_s)
    : feeds_(feeds), pos_(feeds.size(), 0), shift_ns_(shift_ns), loop_(loop) {
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& f : feeds_) {
    total_ += f.quotes.size();
    if (f.quotes.empty()) continue;
    first = std::min(first, f.quotes.front().time_ns);
    last = std::max(last, f.quotes.back().time_ns);
  }
  first_ns_ = total_ ? first : 0;
  // The next pass starts a whole number of alignment periods later (at least one).
  const int64_t align = std::max<int64_t>(1, loop_align_s) * 1'000'000'000LL;
  loop_period_ns_ = total_ ? ((last - first) / align + 1) * align : align;
  find_head();
}

bool ReplayMerge::empty() const { return total_ == 0; }

void ReplayMerge::find_head() {
  head_ = SIZE_MAX;
  int64_t best = INT64_MAX;
  for (size_t i = 0; i < feeds_.size(); ++i) {
    if (pos_[i] >= feeds_[i].quotes.size()) continue;
    const int64_t t = feeds_[i].quotes[pos_[i]].time_ns;
    if (t < best) best = t, head_ = i;
  }
}

void ReplayMerge::rewind() {
  std::fill(pos_.begin(), pos_.end(), 0);
  consumed_ = 0;
  ++pass_;
  shift_ns_ += loop_period_ns_;
  find_head();
}

int64_t ReplayMerge::peek_time() const {
  if (head_ == SIZE_MAX) return (loop_ && total_) ? first_ns_ + shift_ns_ + loop_period_ns_ : INT64_MAX;
  return feeds_[head_].quotes[pos_[head_]].time_ns + shift_ns_;
}

void ReplayMerge::seek(int64_t t_ns) {
  if (total_ == 0) return;
  if (loop_) {
    // Pass k starts at first_ns_ + shift_ns_ + k * period: take the pass whose span holds t_ns.
    const int64_t d = t_ns - (first_ns_ + shift_ns_);
    const int64_t k = d / loop_period_ns_ - ((d % loop_period_ns_ != 0 && d < 0) ? 1 : 0);
    shift_ns_ += k * loop_period_ns_;
  }
  for (size_t i = 0; i < feeds_.size(); ++i) {
    const auto& q = feeds_[i].quotes;
    const int64_t local = t_ns - shift_ns_;
    pos_[i] = static_cast<size_t>(std::lower_bound(q.begin(), q.end(), local, [](const Quote& a, int64_t t) {
                                    return a.time_ns < t;
                                  }) - q.begin());
  }
  consumed_ = 0;
  for (size_t p : pos_) consumed_ += p;
  find_head();
  // Looping and t_ns falls after this pass's last quote: next() goes on with the next pass.
}

bool ReplayMerge::next(ReplayEvent& out) {
  if (head_ == SIZE_MAX) {
    if (!loop_ || total_ == 0) return false;
    rewind();
  }
  const Quote& q = feeds_[head_].quotes[pos_[head_]];
  out = ReplayEvent{q.time_ns + shift_ns_, head_, q.bid, q.ask};
  ++pos_[head_];
  ++consumed_;
  find_head();
  return true;
}

ReplayPacer::ReplayPacer(double speed, bool warmup, int64_t replay_start_ns, int64_t mono_start_ns)
    : speed_(speed), warming_(warmup), join_replay_ns_(replay_start_ns), join_mono_ns_(mono_start_ns),
      last_target_(replay_start_ns) {}

int64_t ReplayPacer::target(int64_t replay_now_ns, int64_t next_event_ns, int64_t wall_now_ns, int64_t mono_now_ns) {
  int64_t t;
  if (warming_) {
    if (next_event_ns > wall_now_ns) {
      // The join: everything up to now has been replayed; paced replay continues from now.
      warming_ = false;
      join_replay_ns_ = std::max(wall_now_ns, replay_now_ns);
      join_mono_ns_ = mono_now_ns;
      t = join_replay_ns_;
    } else {
      t = std::min(std::max(replay_now_ns + kNsPerSecond, next_event_ns), wall_now_ns);
    }
  } else if (speed_ > 0) {
    t = join_replay_ns_ + static_cast<int64_t>(static_cast<double>(mono_now_ns - join_mono_ns_) * speed_);
  } else {
    t = next_event_ns == INT64_MAX ? replay_now_ns : std::max(replay_now_ns + kNsPerSecond, next_event_ns);
  }
  t = std::max(t, last_target_);  // never backwards
  last_target_ = t;
  return t;
}

}  // namespace bitten::ea_sim

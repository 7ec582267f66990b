#pragma once
// Replay inputs: one reader per source format, the intra-bar tick path for bar-only sources, and
// the time-ordered merge of several symbols (with looping and whole-week time shifts).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"

namespace bitten::ea_sim {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kWeekNs = 7 * 86'400 * kNsPerSecond;

// One quote as the simulated broker sees it (UTC event time).
struct Quote {
  int64_t time_ns = 0;
  double bid = 0;
  double ask = 0;
};

// A bid bar from a source file, with the ask side when the source has one.
struct SourceBar {
  int64_t open_time_ns = 0;
  int64_t period_s = 60;
  double open = 0, high = 0, low = 0, close = 0;  // bid
  bool has_ask = false;
  double ask_open = 0, ask_high = 0, ask_low = 0, ask_close = 0;
  double spread_points = -1;  // from the source (smc "Spread" column), -1 when absent
};

enum class FeedFormat {
  LeanTicks,   // time_utc,bid,ask (lean/normalized/*_ticks_utc.csv)
  LeanM1,      // time_utc,bid_open,bid_high,bid_low,bid_close,bid_size,ask_open,...,ask_size
  NautilusM1,  // timestamp,open,high,low,close (+ a second file with the ask side)
  SmcM15,      // Date,Open,High,Low,Close,Tickvol,Volume,Spread ("YYYY.MM.DD HH:MM:SS", Spread in points)
};
Result<FeedFormat> parse_feed_format(std::string_view name);  // "lean_ticks" "lean_m1" "nautilus_m1" "smc_m15"

struct FeedSpec {
  std::string symbol;
  FeedFormat format = FeedFormat::LeanTicks;
  std::string path;
  std::string ask_path;        // NautilusM1 only, optional
  int64_t source_utc_offset_s = 0;  // source time minus UTC (e.g. FXCM raw = -18000); subtracted
  double spread_points = 10;   // for bar sources without an ask side or spread column
  int ticks_per_bar = 0;       // synthetic ticks per bar; 0 = one every 5 s of the bar's period
};

struct SymbolFeed {
  std::string symbol;
  std::vector<Quote> quotes;    // the replayed quote stream, time-ordered
  std::vector<SourceBar> bars;  // the source bars (bar sources only), for checking
  bool synthetic = false;       // quotes were synthesised from bars
};

// Reads one source file (plus ask file) into source bars or ticks. Relative paths resolve against
// `base_dir` when not empty.
Result<std::vector<SourceBar>> read_bars(const FeedSpec& spec, const std::string& base_dir = "");
Result<std::vector<Quote>> read_ticks(const FeedSpec& spec, const std::string& base_dir = "");

// The intra-bar path: open -> extreme nearer the open -> the other extreme -> close, linearly
// interpolated and rounded to the symbol's digits, `n` ticks (>= 4) at distinct whole seconds
// inside [open_time, open_time + period). Never leaves [low, high]. Ask = bid + spread, where the
// spread comes from the ask bar at the matching anchor when present, else `spread_points`.
std::vector<Quote> synthesise_bar_ticks(const SourceBar& bar, const SymbolSpec& spec, double spread_points, int n);

// Loads a feed: ticks as they are, or bars turned into tick paths.
Result<SymbolFeed> load_feed(const FeedSpec& spec, const SymbolSpec& symbol, const std::string& base_dir = "");

// The whole-week shift that moves `first_ns` into the week before `now_ns` (weekday and time of
// day preserved); 0 when first_ns is already within a week of now or later.
int64_t whole_week_shift_to(int64_t first_ns, int64_t now_ns);

struct ReplayEvent {
  int64_t time_ns = 0;  // already shifted
  size_t feed = 0;      // index into the feeds
  double bid = 0;
  double ask = 0;
};

// Several feeds merged in time order (ties by feed index). When `loop` is set the data repeats,
// each pass shifted by a whole number of weeks covering the data's span, so weekdays and sessions
// stay where they were.
class ReplayMerge {
 public:
  // Each pass starts loop_align_s-aligned after the previous one's first quote: a week keeps
  // weekdays and sessions; a minute replays a short excerpt back to back (the demo).
  ReplayMerge(const std::vector<SymbolFeed>& feeds, int64_t shift_ns, bool loop, int64_t loop_align_s = 7 * 86400);
  bool empty() const;  // no events at all
  // The next event's time, or INT64_MAX when the data has ended (never, when looping).
  int64_t peek_time() const;
  bool next(ReplayEvent& out);
  // Positions the replay at the first event with time >= t_ns (the warm-up's start). Looping: the
  // pass holding t_ns is reached by whole loop periods (backwards too), so the loop's alignment and
  // the data's time of day within a pass are kept; then each feed skips to its first quote >= t_ns.
  // Not looping: each feed skips its quotes before t_ns (the data may end). Call before next().
  void seek(int64_t t_ns);
  int64_t first_time() const { return first_ns_ + shift_ns_; }
  int64_t shift() const { return shift_ns_; }
  int64_t loop_period_ns() const { return loop_period_ns_; }
  uint64_t passes() const { return pass_; }

 private:
  void rewind();
  const std::vector<SymbolFeed>& feeds_;
  std::vector<size_t> pos_;
  int64_t shift_ns_;
  bool loop_;
  int64_t first_ns_ = 0;
  int64_t loop_period_ns_ = 0;
  uint64_t pass_ = 0;
  size_t total_ = 0;
  size_t consumed_ = 0;
  // The feed holding the next event (smallest time, then index); SIZE_MAX when exhausted.
  size_t head_ = SIZE_MAX;
  void find_head();
};

// The time mapping from wall time to replay (event) time, with an optional warm-up:
//
//   warm-up  the replay starts at wall_now - warmup_s (ReplayMerge::seek) and runs as fast as the
//            fleet takes it, but never past the wall clock: each step goes to
//            min(max(replay_now + 1 s, next event), wall_now). It ends (the join) when the next
//            event lies after the wall clock: the replay time is then set to wall_now ("now").
//   paced    replay = join_replay + (mono - join_mono) * speed; speed 0 = as fast as possible
//            (every step at least a second, gaps jumped).
//
// Without a warm-up the join is the start: paced from the first event, as before. Targets never
// go backwards, so event time is monotonic across the join. No clock of its own: wall and
// monotonic time are passed in (pure, unit-tested).
class ReplayPacer {
 public:
  // warmup: start in the warm-up phase. replay_start_ns: the replay's position at the start;
  // mono_start_ns: the monotonic clock then (the paced origin when there is no warm-up).
  ReplayPacer(double speed, bool warmup, int64_t replay_start_ns, int64_t mono_start_ns);
  // The replay time to advance to. replay_now_ns: where the replay is; next_event_ns: the next
  // event's time (INT64_MAX when the data has ended); wall_now_ns: UTC now; mono_now_ns: monotonic now.
  int64_t target(int64_t replay_now_ns, int64_t next_event_ns, int64_t wall_now_ns, int64_t mono_now_ns);
  bool warming() const { return warming_; }
  // Set once, when the warm-up ends: the replay time and monotonic time of the join.
  int64_t join_replay_ns() const { return join_replay_ns_; }
  int64_t join_mono_ns() const { return join_mono_ns_; }

 private:
  double speed_;
  bool warming_;
  int64_t join_replay_ns_;
  int64_t join_mono_ns_;
  int64_t last_target_;
};

}  // namespace bitten::ea_sim

namespace bitten::ea_sim {
inline FeedSpec make_feed(std::string symbol, FeedFormat format, std::string path, std::string ask_path = "") {
  FeedSpec s;
  s.symbol = std::move(symbol);
  s.format = format;
  s.path = std::move(path);
  s.ask_path = std::move(ask_path);
  return s;
}
}  // namespace bitten::ea_sim

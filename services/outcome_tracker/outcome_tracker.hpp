#pragma once
// outcome_tracker's logic: scored signals and filled fires in, graded outcomes out. No sockets and
// no clock of its own: grading runs on the ticks' event time; the caller passes the time for polls.
//
// - Every scored signal (accepted AND rejected) is graded with libs/grading's tick Grader, exactly as
//   the backtester grades a signal: spec = the signal's entry/SL/TP, start = detected_ns, horizon from
//   config; BUY exits on the bid, SELL on the ask, SL wins a same-time tie, TIMEOUT after the horizon.
//   Result: one outcomes row (source "virtual") and one ml_training row (the signal JSON as features,
//   label 1/0, NULL for TIMEOUT), then an "outcome" event on outcome.<SYMBOL>.
// - Every FILLED fire (an open position) is graded from its fill (TradeSpec::from_fill: same SL/TP,
//   entry = fill price, start = fill time). v2.05 EAs report no closes, so a WIN/LOSS here closes the
//   fire: FireRepo::mark_closed(inferred = true, close price, pips, P/L), an outcomes row (source
//   "inferred") and a fire_event on fire.<user>.
// - Persistence: the signal row is stored when tracking starts (signals insert is ON CONFLICT DO
//   NOTHING; signal_relay stores the same scored message), so restore() rebuilds every open tracking
//   from the signals without an outcome; outcomes are unique per (signal, fire), so nothing is graded
//   twice. Ticks that arrive while the tracker is down are not seen (see docs/learning_loop.md).
#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/grading/grader.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/schema/tick.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"
#include "tracker_config.hpp"

namespace bitten::outcomes {

struct Event {
  std::string topic;
  std::string type;
  nlohmann::json data;
};

inline constexpr const char* kOutcomeType = "outcome";

class OutcomeTracker {
 public:
  OutcomeTracker(const TrackerConfig& cfg, const SymbolTable& symbols, store::Database& db, runtime::Health& health);

  // Re-tracks the ungraded signals and the filled fires stored in the database.
  Status restore(std::vector<Event>& out);

  // [signal.<SYMBOL>][envelope] from ml_filter (scored).
  void on_signal_message(const messaging::Frames& frames, std::vector<Event>& out);
  // [tick.<SYMBOL>][envelope] from telemetry_bridge.
  void on_tick_message(const messaging::Frames& frames, std::vector<Event>& out);

  // Decoded forms (tests and the message handlers).
  void track_signal(const schema::SignalMsg& s, std::vector<Event>& out);
  void on_quote(const std::string& symbol, const grading::Quote& q, std::vector<Event>& out);

  // Reads FILLED fires (open positions) not tracked yet; retries writes that failed. now_ns is
  // wall time, used only to pace the polls.
  void on_timer(int64_t now_ns, std::vector<Event>& out);
  void poll_fires(std::vector<Event>& out);

  size_t open_signal_trackings() const { return open_signals_.size(); }
  size_t open_fire_trackings() const { return open_fires_.size(); }
  bool tracking_signal(const std::string& id) const { return open_signals_.count(id) > 0; }

 private:
  struct Tracking {
    schema::SignalMsg signal;              // the scored signal (fires: the signal they came from, if stored)
    std::optional<store::FireRecord> fire; // set for a real fire
    grading::Grader grader;
  };

  std::optional<grading::TradeSpec> spec_for(const schema::SignalMsg& s);
  void start_signal(const schema::SignalMsg& s, bool persist, std::vector<Event>& out);
  void start_fire(const store::FireRecord& f, std::vector<Event>& out);
  void finish(Tracking& t, const grading::GradeResult& r, std::vector<Event>& out);
  bool write_signal_outcome(const Tracking& t, const grading::GradeResult& r);
  bool write_fire_close(const Tracking& t, const grading::GradeResult& r, std::vector<Event>& out);
  std::optional<double> pnl_for(const store::FireRecord& f, double pips);

  TrackerConfig cfg_;
  const SymbolTable& symbols_;
  store::Database& db_;
  runtime::Health& health_;
  std::unordered_map<std::string, std::vector<Tracking>> by_symbol_;
  std::unordered_set<std::string> open_signals_;
  std::unordered_set<std::string> open_fires_;
  std::unordered_set<std::string> done_fires_;  // closed or expired here: not re-tracked by a poll
  std::unordered_map<std::string, double> last_mid_;
  std::unordered_map<std::string, std::deque<grading::Quote>> recent_;  // replay_window_s of ticks
  struct Unwritten {
    Tracking t;
    grading::GradeResult r;
  };
  std::vector<Unwritten> unwritten_;  // decided but not stored yet (database busy): retried by on_timer
  int64_t next_fire_poll_ns_ = 0;
};

// The outcome event's data (topic outcome.<SYMBOL>, type "outcome"); docs/learning_loop.md.
nlohmann::json outcome_event_data(const schema::SignalMsg& s, const std::optional<store::FireRecord>& fire,
                                  const grading::GradeResult& r, const std::string& source);

}  // namespace bitten::outcomes

#include "outcome_tracker.hpp"

#include "bitten/execution/events.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "bitten/schema/envelope.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/outcome_repo.hpp"
#include "bitten/store/signal_repo.hpp"

namespace bitten::outcomes {

namespace {
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json outcome_event_data(const schema::SignalMsg& s, const std::optional<store::FireRecord>& fire,
                                  const grading::GradeResult& r, const std::string& source) {
  const auto label = r.label();
  nlohmann::json d = {{"signal_id", s.signal_id},
                      {"symbol", s.symbol},
                      {"pattern", s.pattern},
                      {"timeframe", s.timeframe},
                      {"direction", s.direction},
                      {"source", source},
                      {"fire_id", fire ? nlohmann::json(fire->fire_id) : nlohmann::json(nullptr)},
                      {"user_id", fire ? nlohmann::json(fire->user_id) : nlohmann::json(nullptr)},
                      {"result", std::string(grading::to_string(r.outcome))},
                      {"label", label ? nlohmann::json(*label) : nlohmann::json(nullptr)},
                      {"accepted", s.score ? s.score->accepted : false},
                      {"probability", s.score ? opt(s.score->probability) : nlohmann::json(nullptr)},
                      {"model_version", s.score ? s.score->model_version : std::string("none")},
                      {"entry", fire && fire->fill_price ? *fire->fill_price : s.entry},
                      {"sl", s.sl},
                      {"tp", s.tp},
                      {"exit_price", r.exit_price},
                      {"gapped", r.gapped},
                      {"pips", r.result_pips},
                      {"r", r.result_r},
                      {"mfe_pips", r.mfe_pips},
                      {"mae_pips", r.mae_pips},
                      {"mfe_r", r.mfe_r},
                      {"mae_r", r.mae_r},
                      {"opened_ns", r.outcome_ns - r.time_to_outcome_ns},
                      {"resolved_ns", r.outcome_ns},
                      {"time_to_outcome_s", static_cast<double>(r.time_to_outcome_ns) / 1e9}};
  return d;
}

OutcomeTracker::OutcomeTracker(const TrackerConfig& cfg, const SymbolTable& symbols, store::Database& db,
                               runtime::Health& health)
    : cfg_(cfg), symbols_(symbols), db_(db), health_(health) {}

std::optional<grading::TradeSpec> OutcomeTracker::spec_for(const schema::SignalMsg& s) {
  const SymbolSpec* sym = symbols_.find(s.symbol);
  if (!sym) {
    health_.add("dropped_unknown_symbol");
    return std::nullopt;
  }
  auto dir = grading::parse_direction(s.direction);
  if (!dir) {
    health_.add("dropped_invalid_spec");
    return std::nullopt;
  }
  grading::TradeSpec t;  // the backtester's spec (tools/backtest replay.cpp grade())
  t.direction = *dir;
  t.entry = s.entry;
  t.sl = s.sl;
  t.tp = s.tp;
  t.pip_size = sym->pip_size;
  t.start_ns = s.detected_ns;
  t.horizon_ns = cfg_.horizon_ns();
  return t;
}

Status OutcomeTracker::restore(std::vector<Event>& out) {
  try {
    SQLite::Statement q(db_.sql(),
                        "SELECT payload_json FROM signals s WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE "
                        "o.signal_id = s.signal_id AND o.fire_id IS NULL) ORDER BY detected_ns DESC LIMIT ?");
    q.bind(1, static_cast<int64_t>(cfg_.restore_limit));
    std::vector<schema::SignalMsg> found;
    while (q.executeStep()) {
      auto j = nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false);
      auto s = j.is_discarded() ? Result<schema::SignalMsg>(make_error("not_json", "payload")) : schema::signal_from_json(j);
      if (!s) {
        health_.add("restore_unreadable");
        continue;
      }
      found.push_back(std::move(*s));
    }
    std::reverse(found.begin(), found.end());  // oldest first
    for (const auto& s : found) {
      if (open_signals_.count(s.signal_id)) continue;
      start_signal(s, false, out);
      health_.add("restored_signals");
    }
  } catch (const std::exception& e) {
    return make_error("db_error", std::string("restore open trackings: ") + e.what());
  }
  poll_fires(out);
  return ok_status();
}

void OutcomeTracker::on_signal_message(const messaging::Frames& frames, std::vector<Event>& out) {
  health_.add("signals_received");
  if (frames.size() != 2) return health_.add("dropped_bad_message");
  auto env = schema::decode_envelope(frames[1]);
  if (!env) return health_.add("dropped_bad_message");
  if (env->type != schema::SignalMsg::kType) return health_.add("dropped_unknown_type");
  auto s = schema::signal_from_json(env->data);
  if (!s) return health_.add("dropped_bad_message");
  track_signal(*s, out);
}

void OutcomeTracker::on_tick_message(const messaging::Frames& frames, std::vector<Event>& out) {
  if (frames.size() != 2) return health_.add("dropped_bad_tick");
  auto env = schema::decode_envelope(frames[1]);
  if (!env || env->type != schema::TickMsg::kType) return health_.add("dropped_bad_tick");
  auto t = schema::tick_from_json(env->data);
  if (!t) return health_.add("dropped_bad_tick");
  health_.add("ticks");
  on_quote(t->symbol, grading::Quote{t->time_ns, t->bid, t->ask}, out);
}

void OutcomeTracker::track_signal(const schema::SignalMsg& s, std::vector<Event>& out) {
  if (!s.score) return health_.add("dropped_unscored");
  if (open_signals_.count(s.signal_id)) return health_.add("duplicate_signal");
  store::OutcomeRepo outcomes(db_);
  auto prior = outcomes.for_signal(s.signal_id);
  if (!prior) {
    health_.add("db_errors");
  } else {
    for (const auto& o : *prior)
      if (!o.fire_id) return health_.add("already_graded");
  }
  start_signal(s, true, out);
}

void OutcomeTracker::start_signal(const schema::SignalMsg& s, bool persist, std::vector<Event>& out) {
  auto spec = spec_for(s);
  if (!spec) return;
  auto g = grading::Grader::create(*spec);
  if (!g) return health_.add("dropped_invalid_spec");
  if (persist) {
    store::SignalRepo signals(db_);
    // The open tracking is durable from here on (restore() finds signals without an outcome).
    if (auto r = signals.insert(store::to_signal_record(s, s.score ? s.score->scored_ns : s.detected_ns)); !r)
      health_.add("db_errors");
  }
  health_.add("signals_tracked");
  Tracking t{s, std::nullopt, std::move(*g)};
  // Ticks at or after the start that arrived before the signal did (see replay_window_s).
  if (auto it = recent_.find(s.symbol); it != recent_.end()) {
    for (const auto& q : it->second) {
      if (q.time_ns < t.grader.spec().start_ns) continue;
      if (auto r = t.grader.on_quote(q)) {
        open_signals_.insert(s.signal_id);
        return finish(t, *r, out);
      }
    }
  }
  by_symbol_[s.symbol].push_back(std::move(t));
  open_signals_.insert(s.signal_id);
}

void OutcomeTracker::on_quote(const std::string& symbol, const grading::Quote& q, std::vector<Event>& out) {
  if (q.bid > 0 && q.ask > 0) last_mid_[symbol] = (q.bid + q.ask) / 2;
  if (cfg_.replay_window_s > 0) {
    auto& buf = recent_[symbol];
    buf.push_back(q);
    const int64_t keep_from = q.time_ns - cfg_.replay_window_s * 1'000'000'000LL;
    while (!buf.empty() && buf.front().time_ns < keep_from) buf.pop_front();
  }
  auto it = by_symbol_.find(symbol);
  if (it == by_symbol_.end()) return;
  auto& v = it->second;
  for (size_t i = 0; i < v.size();) {
    if (auto r = v[i].grader.on_quote(q)) {
      Tracking t = std::move(v[i]);
      v[i] = std::move(v.back());
      v.pop_back();
      finish(t, *r, out);
    } else {
      ++i;
    }
  }
}

void OutcomeTracker::finish(Tracking& t, const grading::GradeResult& r, std::vector<Event>& out) {
  if (t.fire) {
    open_fires_.erase(t.fire->fire_id);
    if (r.outcome == grading::Outcome::Timeout) {
      // A real position does not time out; we just stop watching it (counted, left FILLED).
      done_fires_.insert(t.fire->fire_id);
      return health_.add("fire_tracking_expired");
    }
    if (!write_fire_close(t, r, out)) unwritten_.push_back({std::move(t), r});
    return;
  }
  open_signals_.erase(t.signal.signal_id);
  if (!write_signal_outcome(t, r)) {
    unwritten_.push_back({std::move(t), r});
    return;
  }
  health_.add(std::string("graded.") + std::string(grading::to_string(r.outcome)));
  out.push_back({"outcome." + t.signal.symbol, kOutcomeType, outcome_event_data(t.signal, std::nullopt, r, "virtual")});
}

bool OutcomeTracker::write_signal_outcome(const Tracking& t, const grading::GradeResult& r) {
  const auto& s = t.signal;
  store::OutcomeRecord o;
  o.signal_id = s.signal_id;
  o.result = std::string(grading::to_string(r.outcome));
  o.exit_price = r.exit_price;
  o.pips = r.result_pips;
  o.r_multiple = r.result_r;
  o.mfe_pips = r.mfe_pips;
  o.mae_pips = r.mae_pips;
  o.opened_ns = t.grader.spec().start_ns;
  o.resolved_ns = r.outcome_ns;
  o.source = "virtual";
  store::OutcomeRepo repo(db_);
  // The signal row must exist (foreign key); storing it again is a no-op when it does.
  store::SignalRepo signals(db_);
  if (auto ins = signals.insert(store::to_signal_record(s, s.score ? s.score->scored_ns : s.detected_ns)); !ins) {
    health_.add("db_errors");
    return false;
  }
  auto rec = repo.record(o);
  if (!rec) {
    health_.add("db_errors");
    return false;
  }
  if (!*rec) health_.add("already_graded");
  store::TrainingRow row;
  row.signal_id = s.signal_id;
  row.features_json = schema::to_json(s).dump();
  row.label = r.label();
  row.result = o.result;
  row.accepted = s.score && s.score->accepted;
  row.detected_ns = s.detected_ns;
  row.resolved_ns = r.outcome_ns;
  if (auto st = repo.put_training(row); !st) {
    health_.add("db_errors");
    return false;
  }
  return true;
}

std::optional<double> OutcomeTracker::pnl_for(const store::FireRecord& f, double pips) {
  std::string currency = cfg_.account_currency;
  store::EaRepo eas(db_);
  if (auto ea = eas.get(f.ea_uuid); ea && *ea && !(*ea)->currency.empty()) currency = (*ea)->currency;
  auto quotes = [this](std::string_view sym) -> std::optional<double> {
    auto it = last_mid_.find(std::string(sym));
    if (it == last_mid_.end()) return std::nullopt;
    return it->second;
  };
  auto pv = symbols_.pip_value_per_lot(f.symbol, currency, quotes);
  if (!pv) return std::nullopt;
  return pips * *pv * f.lot;
}

bool OutcomeTracker::write_fire_close(const Tracking& t, const grading::GradeResult& r, std::vector<Event>& out) {
  const store::FireRecord& f = *t.fire;
  store::TransitionData close;
  const bool win = r.outcome == grading::Outcome::Win;
  close.reason = win ? "inferred_tp" : "inferred_sl";
  close.close_price = r.exit_price;
  close.pips = r.result_pips;
  close.pnl = pnl_for(f, r.result_pips);
  close.close_result = std::string(grading::to_string(r.outcome));
  close.inferred = true;
  store::FireRepo fires(db_);
  auto tr = fires.mark_closed(f.fire_id, close, r.outcome_ns);
  done_fires_.insert(f.fire_id);
  if (!tr) {
    if (tr.error().code == "illegal_transition" || tr.error().code == "fire_not_found") {
      health_.add("fire_close_skipped");  // closed by a close confirmation meanwhile
      return true;
    }
    done_fires_.erase(f.fire_id);
    health_.add("db_errors");
    return false;
  }
  if (!tr->applied) return true;
  health_.add("fires_closed_inferred");
  // The same event the execution daemons publish for every other transition.
  const execution::Event e = execution::fire_event(tr->fire, store::FireState::FILLED, r.outcome_ns);
  out.push_back({e.topic, e.type, e.data});
  if (f.signal_id) {
    store::OutcomeRecord o;
    o.signal_id = *f.signal_id;
    o.fire_id = f.fire_id;
    o.result = *close.close_result;
    o.exit_price = r.exit_price;
    o.pips = r.result_pips;
    o.r_multiple = r.result_r;
    o.mfe_pips = r.mfe_pips;
    o.mae_pips = r.mae_pips;
    o.opened_ns = t.grader.spec().start_ns;
    o.resolved_ns = r.outcome_ns;
    o.source = "inferred";
    store::OutcomeRepo repo(db_);
    if (auto rec = repo.record(o); !rec) health_.add("db_errors");
  }
  out.push_back({"outcome." + f.symbol, kOutcomeType, outcome_event_data(t.signal, t.fire, r, "inferred")});
  return true;
}

void OutcomeTracker::start_fire(const store::FireRecord& f, std::vector<Event>& /*out*/) {
  const SymbolSpec* sym = symbols_.find(f.symbol);
  auto dir = grading::parse_direction(f.direction);
  if (!sym || !dir || !f.fill_price || !f.filled_ns) {
    done_fires_.insert(f.fire_id);
    return health_.add("fire_untrackable");
  }
  schema::SignalMsg s;
  if (f.signal_id) {
    store::SignalRepo signals(db_);
    if (auto rec = signals.get(*f.signal_id); rec && *rec) {
      auto j = nlohmann::json::parse((*rec)->payload_json, nullptr, false);
      if (!j.is_discarded())
        if (auto parsed = schema::signal_from_json(j)) s = std::move(*parsed);
    }
    s.signal_id = *f.signal_id;
  }
  s.symbol = f.symbol;
  s.direction = f.direction;
  s.sl = f.sl;
  s.tp = f.tp;
  grading::TradeSpec base;
  base.direction = *dir;
  base.entry = *f.fill_price;
  base.sl = f.sl;
  base.tp = f.tp;
  base.pip_size = sym->pip_size;
  base.horizon_ns = cfg_.fire_horizon_ns();
  // Grading runs on event time. The fill is stamped by our clock, which for a replaying source (the
  // simulator) can be days away from the ticks' event time: the market's "now" at the fill is the
  // last quote seen for the symbol, so grading starts there when we have one.
  int64_t start_ns = *f.filled_ns;
  if (auto it = recent_.find(f.symbol); it != recent_.end() && !it->second.empty()) start_ns = it->second.back().time_ns;
  const grading::TradeSpec spec = base.from_fill(*f.fill_price, start_ns);
  auto g = grading::Grader::create(spec);
  if (!g) {
    done_fires_.insert(f.fire_id);
    return health_.add("fire_untrackable");
  }
  by_symbol_[f.symbol].push_back(Tracking{std::move(s), f, std::move(*g)});
  open_fires_.insert(f.fire_id);
  health_.add("fires_tracked");
}

void OutcomeTracker::poll_fires(std::vector<Event>& out) {
  store::FireRepo fires(db_);
  auto open = fires.all_open_positions();
  if (!open) return health_.add("db_errors");
  std::unordered_set<std::string> still_open;
  for (const auto& p : *open) {
    still_open.insert(p.fire_id);
    if (open_fires_.count(p.fire_id) || done_fires_.count(p.fire_id)) continue;
    auto f = fires.get(p.fire_id);
    if (!f) {
      health_.add("db_errors");
      continue;
    }
    if (!*f || (*f)->state != store::FireState::FILLED) continue;
    start_fire(**f, out);
  }
  // Positions closed by someone else (a close confirmation) are no longer ours to infer.
  if (open_fires_.empty()) return;
  for (auto& [sym, v] : by_symbol_) {
    std::erase_if(v, [&](const Tracking& t) {
      if (!t.fire || still_open.count(t.fire->fire_id)) return false;
      open_fires_.erase(t.fire->fire_id);
      health_.add("fire_closed_elsewhere");
      return true;
    });
  }
}

void OutcomeTracker::on_timer(int64_t now_ns, std::vector<Event>& out) {
  if (!unwritten_.empty()) {
    auto pending = std::exchange(unwritten_, {});
    for (auto& u : pending) finish(u.t, u.r, out);
  }
  if (now_ns >= next_fire_poll_ns_) {
    next_fire_poll_ns_ = now_ns + cfg_.fire_poll_ms * 1'000'000;
    poll_fires(out);
  }
  health_.gauge("open_signal_trackings", static_cast<double>(open_signals_.size()));
  health_.gauge("open_fire_trackings", static_cast<double>(open_fires_.size()));
  health_.gauge("unwritten_outcomes", static_cast<double>(unwritten_.size()));
}

}  // namespace bitten::outcomes

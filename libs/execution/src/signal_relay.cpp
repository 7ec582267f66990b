#include "bitten/execution/signal_relay.hpp"

#include <cstdio>
#include <set>

#include "bitten/schema/topics.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "bitten/store/user_repo.hpp"

namespace bitten::execution {

namespace {
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}
std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
}  // namespace

std::string mission_url(const std::string& url_template, const std::string& mission_id, const std::string& signal_id) {
  std::string u = url_template;
  replace_all(u, "{mission_id}", mission_id);
  replace_all(u, "{signal_id}", signal_id);
  return u;
}

std::string notification_text(const store::SignalRecord& s, double lot_preview, int64_t expiry_s) {
  const int d = s.entry >= 100 ? 2 : (s.entry >= 10 ? 3 : 5);
  std::string t = "BITTEN " + s.signal_class + " | " + s.symbol + " " + s.direction + "\n" + s.pattern + " " +
                  s.timeframe + "\nEntry " + fmt(s.entry, d) + "  SL " + fmt(s.sl, d) + " (" + fmt(s.sl_pips, 1) +
                  " pips)  TP " + fmt(s.tp, d) + " (" + fmt(s.tp_pips, 1) + " pips)\nR:R 1:" + fmt(s.rr, 2);
  if (s.probability) t += "  p=" + fmt(*s.probability, 2);
  t += "  conf " + fmt(s.confidence, 0);
  t += lot_preview > 0 ? "\nYour lot: " + fmt(lot_preview, 2) : std::string("\nYour lot: not available now");
  t += "\nExpires in " + std::to_string(expiry_s / 60) + " min";
  return t;
}

SignalRelay::SignalRelay(store::Database& db, const risk::RiskConfig& risk, const SymbolTable& symbols, IdGenerator& ids,
                         RelayOptions options, runtime::Health& health)
    : db_(db), risk_(risk), symbols_(symbols), ids_(ids), opt_(std::move(options)), health_(health),
      fires_(db, risk, symbols, ids) {}

void SignalRelay::on_frames(const std::vector<std::string>& frames, int64_t now_ns, const risk::QuoteSource& quotes,
                            RelayOutput& out) {
  health_.add("messages_in");
  if (frames.size() != 2) {
    health_.add("drop_bad_frames");
    return;
  }
  auto env = schema::decode_envelope(frames[1]);
  if (!env) {
    health_.add("drop_" + env.error().code);
    return;
  }
  if (env->type != schema::SignalMsg::kType) {
    health_.add("drop_unknown_type");
    return;
  }
  if (uint64_t missed = seq_[env->src + "/" + env->type].observe(env->seq); missed > 0) health_.add("seq_gaps", missed);
  auto msg = schema::signal_from_json(env->data);
  if (!msg) {
    health_.add("drop_bad_signal");
    return;
  }
  on_signal(*msg, now_ns, quotes, out);
}

bool SignalRelay::auto_score_ok(const schema::SignalMsg& msg) const {
  if (!msg.score || !msg.score->accepted) return false;
  if (msg.score->probability) return *msg.score->probability >= risk_.auto_min_probability;
  return risk_.auto_allow_cold_start && msg.confidence >= risk_.auto_cold_start_min_confidence;
}

void SignalRelay::on_signal(const schema::SignalMsg& msg, int64_t now_ns, const risk::QuoteSource& quotes,
                            RelayOutput& out) {
  for (const auto& p : pending_)
    if (p.signal_id == msg.signal_id) return;  // a repeat of one already waiting: it will be done once
  if (!pending_.empty()) {  // keep arrival order behind the ones already waiting
    keep(msg);
    return;
  }
  if (!process(msg, now_ns, quotes, out)) keep(msg);
}

void SignalRelay::keep(const schema::SignalMsg& msg) {
  if (pending_.size() >= kMaxPending) {
    pending_.pop_front();
    health_.add("drop_pending_overflow");
  }
  pending_.push_back(msg);
  health_.add("signals_deferred");
  health_.gauge("signals_pending", static_cast<double>(pending_.size()));
}

void SignalRelay::on_timer(int64_t now_ns, const risk::QuoteSource& quotes, RelayOutput& out) {
  while (!pending_.empty()) {
    if (!process(pending_.front(), now_ns, quotes, out)) break;  // still refused: try again next time
    pending_.pop_front();
    health_.add("signals_retried");
  }
  health_.gauge("signals_pending", static_cast<double>(pending_.size()));
}

bool SignalRelay::process(const schema::SignalMsg& msg, int64_t now_ns, const risk::QuoteSource& quotes,
                          RelayOutput& out) {
  const store::SignalRecord rec = store::to_signal_record(msg, now_ns);
  auto inserted = store::SignalRepo(db_).insert(rec);
  if (!inserted) {
    health_.add("db_errors");
    return false;
  }
  health_.add(*inserted ? "signals_stored" : "signals_duplicate");
  if (!msg.score || !msg.score->accepted) return true;
  if (*inserted) health_.add("signals_accepted");
  // Stale in market time: when the latest quote of the symbol is already a mission's lifetime past
  // the signal (the EA simulator's fast warm-up history, a backlog after an outage), the market has
  // moved on; the signal is stored and graded but offers nobody a mission. Market time, not our
  // clock: a replay's event time may lie days behind the clock and still be live.
  if (auto q = quotes(msg.symbol);
      q && q->event_ns > 0 && q->event_ns - msg.detected_ns >= risk_.mission_expiry_s * 1'000'000'000LL) {
    health_.add("missions_skipped_stale");
    return true;
  }
  // A repeated signal is processed again on purpose: missions and auto-fires are idempotent (one
  // mission per user+signal, one auto-fire key per mission), so a crash between storing the signal
  // and creating its missions loses nothing, and a repeat notifies and fires nobody twice.

  store::UserRepo users(db_);
  auto all = users.list_all();
  auto autos = users.users_in_mode("AUTO");
  if (!all || !autos) {
    health_.add("db_errors");
    return false;
  }
  const std::set<std::string> auto_users(autos->begin(), autos->end());
  const bool score_ok = opt_.auto_fire && auto_score_ok(msg);
  store::MissionRepo missions(db_);

  bool complete = true;
  for (const auto& u : *all) {
    const risk::TierLimits* tier = risk_.tier(u.tier);
    if (!tier || tier->read_only()) continue;
    if (!tier->classes.count(msg.signal_class)) {
      health_.add("missions_skipped_class");
      continue;
    }
    if (u.halted) {
      health_.add("missions_skipped_halted");
      continue;
    }
    store::MissionRecord m;
    m.mission_id = ids_.next("M", now_ns);
    m.user_id = u.user_id;
    m.signal_id = msg.signal_id;
    m.created_ns = now_ns;
    m.expires_ns = risk_.mission_expires_ns(now_ns);

    // The lot this user would get now: the engine on a snapshot that already holds the mission.
    risk::FireRequest req{u.user_id, m.mission_id, risk::FireMode::Manual, std::nullopt, now_ns};
    std::string preview_reason;
    auto snap = fires_.load_snapshot(req, quotes);
    if (snap) {
      snap->mission = m;
      snap->signal = rec;
      risk::RiskDecision d = risk::evaluate(risk_, symbols_, req, *snap);
      if (d.order) m.lot_preview = d.order->lot;
      preview_reason = d.reason;
    } else {
      health_.add("db_errors");
      preview_reason = "preview_unavailable";
    }
    auto created = missions.create(m);
    if (!created) {
      health_.add("db_errors");
      complete = false;
      continue;
    }
    const store::MissionRecord& mm = created->mission;
    if (created->created) {
      health_.add("missions_created");
      const std::string url = mission_url(opt_.mission_url_template, mm.mission_id, mm.signal_id);
      nlohmann::json d = {{"mission_id", mm.mission_id},   {"user_id", mm.user_id},
                          {"signal_id", mm.signal_id},     {"symbol", rec.symbol},
                          {"direction", rec.direction},    {"pattern", rec.pattern},
                          {"timeframe", rec.timeframe},    {"signal_class", rec.signal_class},
                          {"entry", rec.entry},            {"sl", rec.sl},
                          {"tp", rec.tp},                  {"rr", rec.rr},
                          {"confidence", rec.confidence},  {"probability", msg.score->probability ? nlohmann::json(*msg.score->probability) : nlohmann::json(nullptr)},
                          {"lot_preview", mm.lot_preview}, {"preview_reason", preview_reason},
                          {"created_ns", mm.created_ns},   {"expires_ns", mm.expires_ns},
                          {"url", url}};
      out.events.push_back({"mission." + mm.user_id, kMissionEventType, std::move(d)});
      if (u.telegram_id) {
        out.notifications.push_back({*u.telegram_id, u.user_id, mm.mission_id,
                                     notification_text(rec, mm.lot_preview, risk_.mission_expiry_s), "Open mission", url});
      }
    }
    if (score_ok && tier->can_auto && auto_users.count(u.user_id) && !auto_fire(u.user_id, mm.mission_id, now_ns, quotes, out))
      complete = false;
  }
  return complete;
}

bool SignalRelay::auto_fire(const std::string& user_id, const std::string& mission_id, int64_t now_ns,
                            const risk::QuoteSource& quotes, RelayOutput& out) {
  risk::FireRequest req{user_id, mission_id, risk::FireMode::Auto, "auto:" + mission_id, now_ns};
  auto r = fires_.fire(req, quotes);
  if (!r) {
    health_.add("db_errors");
    return false;
  }
  if (r->duplicate) {
    health_.add("auto_fire_duplicates");
    return true;
  }
  if (r->record) out.events.push_back(fire_event(*r->record, std::nullopt, now_ns));
  if (r->state != store::FireState::QUEUED || !r->command) {
    health_.add("auto_fire_rejected");
    return true;
  }
  health_.add("auto_fire_queued");
  const risk::EaFireCommand& c = *r->command;
  const schema::CommandMsg cmd = risk::to_command(c, user_id, now_ns);
  out.commands.push_back({schema::topic::command(c.target_uuid), command_writer_.encode(schema::CommandMsg::kType, now_ns, schema::to_json(cmd)),
                          c.fire_id, user_id});
  return true;
}

void SignalRelay::on_command_push_failed(const QueuedCommand& c, int64_t now_ns, RelayOutput& out) {
  health_.add("command_push_failed");
  auto t = store::FireRepo(db_).mark_undeliverable(c.fire_id, "command_queue_unavailable", now_ns);
  if (t && t->applied) out.events.push_back(fire_event(t->fire, t->from, now_ns));
}

}  // namespace bitten::execution

#include "bitten/execution/confirm_listener.hpp"

#include <cmath>
#include <variant>

#include "bitten/store/fire_repo.hpp"

namespace bitten::execution {

namespace {
std::string code_prefix(const std::string& code) {
  auto c = code.find(':');
  return c == std::string::npos ? code : code.substr(0, c);
}
}  // namespace

int64_t ping_id_time_ms(std::string_view id) {
  size_t end = id.size(), start = end;
  while (start > 0 && id[start - 1] >= '0' && id[start - 1] <= '9') --start;
  const size_t n = end - start;
  if (n != 10 && n != 13) return -1;
  int64_t v = 0;
  for (size_t i = start; i < end; ++i) v = v * 10 + (id[i] - '0');
  return n == 10 ? v * 1000 : v;
}

ConfirmListener::ConfirmListener(store::Database& db, const SymbolTable& symbols, ListenerOptions options,
                                 runtime::Health& health)
    : db_(db), symbols_(symbols), opt_(options), health_(health) {}

void ConfirmListener::on_frames(const std::vector<std::string>& frames, int64_t now_ns, Events& out) {
  if (frames.size() != 1) {
    health_.add("drop_bad_frames");
    return;
  }
  on_payload(frames[0], now_ns, out);
}

void ConfirmListener::on_payload(std::string_view payload, int64_t now_ns, Events& out) {
  health_.add("messages_in");
  if (payload.size() > opt_.max_message_bytes) {
    health_.add("drop_too_large");
    return;
  }
  auto msg = decoder_.decode(payload);
  if (!msg) {
    health_.add("drop_" + code_prefix(msg.error().code));
    return;
  }
  if (auto* c = std::get_if<ea::Confirmation>(&*msg)) {
    if (c->command_type == "fire") on_fire_confirmation(*c, now_ns, out);
    else health_.add("unknown_command_confirmations");  // the EA answered "Unknown command type"
  } else if (auto* cc = std::get_if<ea::CloseConfirmation>(&*msg)) {
    on_close_confirmation(*cc, now_ns, out);
  } else if (auto* p = std::get_if<ea::Pong>(&*msg)) {
    on_pong(*p, now_ns, out);
  } else {
    health_.add("drop_unexpected_type");
  }
}

void ConfirmListener::on_fire_confirmation(const ea::Confirmation& c, int64_t now_ns, Events& out) {
  health_.add("confirmations");
  if (c.fire_id.empty()) {
    health_.add("confirmations_without_fire_id");
    out.push_back(alert_event("confirmation_without_fire_id",
                              {{"uuid", c.user_uuid}, {"ticket", c.ticket}, {"status", c.status}, {"message", c.message}},
                              now_ns));
    return;
  }
  apply_fire_confirmation(c, now_ns, out);
}

bool ConfirmListener::apply_fire_confirmation(const ea::Confirmation& c, int64_t now_ns, Events& out) {
  store::FireRepo fires(db_);
  const bool success = c.status == "success";
  auto t = success ? fires.mark_filled(c.fire_id, c.ticket, c.price, now_ns)
                   : fires.mark_failed(c.fire_id, c.message.empty() ? "ea_failed" : c.message, now_ns);
  if (!t) {
    const std::string& code = t.error().code;
    if (code == "fire_not_found") {
      health_.add("unknown_fire_id");
    } else if (code == "illegal_transition") {
      // e.g. a fill for a fire we declared UNDELIVERABLE, or FAILED after FILLED: the broker's word
      // contradicts ours, an admin must look.
      health_.add("contradicting_confirmations");
      auto f = fires.get(c.fire_id);
      out.push_back(alert_event("contradicting_confirmation",
                                {{"fire_id", c.fire_id},
                                 {"uuid", c.user_uuid},
                                 {"status", c.status},
                                 {"ticket", c.ticket},
                                 {"price", c.price},
                                 {"message", c.message},
                                 {"fire_state", f && *f ? std::string(store::to_string((*f)->state)) : std::string()}},
                                now_ns));
    } else {
      // The database refused the write (busy beyond the busy timeout, disk full, I/O): the broker's
      // word must not be lost, so the confirmation is kept and applied again from the sweep timer.
      health_.add("db_errors");
      if (pending_.size() < kMaxPendingConfirmations) {
        pending_.push_back(c);
        health_.add("confirmations_deferred");
      } else {
        health_.add("confirmations_dropped_db");
      }
      health_.gauge("confirmations_pending", static_cast<double>(pending_.size()));
      return false;
    }
    return true;
  }
  if (!t->applied) {
    health_.add("duplicate_confirmations");
    return true;
  }
  if (!c.user_uuid.empty() && c.user_uuid != t->fire.ea_uuid) {
    health_.add("confirmation_uuid_mismatch");
    out.push_back(alert_event("confirmation_uuid_mismatch",
                              {{"fire_id", c.fire_id}, {"expected_uuid", t->fire.ea_uuid}, {"uuid", c.user_uuid}},
                              now_ns));
  }
  if (t->from == store::FireState::TIMEOUT) health_.add("late_confirmations");
  health_.add(success ? "filled" : "failed");
  out.push_back(fire_event(t->fire, t->from, now_ns));
  return true;
}

void ConfirmListener::retry_pending(int64_t now_ns, Events& out) {
  if (pending_.empty()) return;
  std::deque<ea::Confirmation> todo;
  todo.swap(pending_);
  while (!todo.empty()) {
    ea::Confirmation c = std::move(todo.front());
    todo.pop_front();
    if (apply_fire_confirmation(c, now_ns, out)) {
      health_.add("confirmations_retried");
      continue;
    }
    // Still failing (apply kept it again): keep the rest, in order, for the next sweep.
    for (auto& rest : todo) pending_.push_back(std::move(rest));
    break;
  }
  health_.gauge("confirmations_pending", static_cast<double>(pending_.size()));
}

void ConfirmListener::on_close_confirmation(const ea::CloseConfirmation& c, int64_t now_ns, Events& out) {
  health_.add("close_confirmations");
  if (c.status != "success") {
    health_.add("close_failed");
    out.push_back(alert_event("close_failed",
                              {{"uuid", c.user_uuid}, {"command_type", c.command_type}, {"ticket", c.ticket},
                               {"message", c.message}},
                              now_ns));
    return;
  }
  store::FireRepo fires(db_);
  auto open = fires.all_open_positions();
  if (!open) {
    health_.add("db_errors");
    return;
  }
  const bool close_all = c.command_type == "close_all";
  int matched = 0;
  for (const auto& p : *open) {
    if (p.ea_uuid != c.user_uuid) continue;
    if (!close_all && !(p.ticket && *p.ticket == c.ticket)) continue;
    store::TransitionData d;
    d.reason = close_all ? "close_all" : "close_ticket";
    d.close_result = "CLOSED_BY_COMMAND";
    if (c.close_price > 0) {
      d.close_price = c.close_price;  // a later EA that reports it
    } else if (auto q = quotes_.get(p.symbol); q && (q->time_ns == 0 || now_ns - q->time_ns <= opt_.quote_max_age_ns)) {
      d.close_price = p.direction == "BUY" ? q->bid : q->ask;
      health_.add("close_price_from_quote");
    } else {
      health_.add("close_price_unknown");
    }
    if (d.close_price) {
      if (const SymbolSpec* spec = symbols_.find(p.symbol)) {
        const double move = p.direction == "BUY" ? *d.close_price - p.open_price : p.open_price - *d.close_price;
        d.pips = std::round(spec->price_to_pips(move) * 10) / 10;
      }
    }
    auto t = fires.mark_closed(p.fire_id, d, now_ns);
    if (!t) {
      health_.add("db_errors");
      continue;
    }
    ++matched;
    if (t->applied) out.push_back(fire_event(t->fire, t->from, now_ns));
  }
  if (matched == 0) {
    health_.add("close_unmatched");
    out.push_back(alert_event("close_unmatched",
                              {{"uuid", c.user_uuid}, {"command_type", c.command_type}, {"ticket", c.ticket},
                               {"lot", c.lot}},
                              now_ns));
  } else {
    health_.add("closed", static_cast<uint64_t>(matched));
  }
}

void ConfirmListener::on_pong(const ea::Pong& p, int64_t now_ns, Events& out) {
  health_.add("pongs");
  const int64_t sent_ms = ping_id_time_ms(p.ping_id);
  nlohmann::json d = {{"uuid", p.user_uuid}, {"node_id", p.node_id}, {"ping_id", p.ping_id}, {"ts", now_ns}};
  if (sent_ms > 0 && now_ns / 1'000'000 >= sent_ms) {
    const int64_t rtt = now_ns / 1'000'000 - sent_ms;
    d["latency_ms"] = rtt;
    health_.gauge("last_ping_latency_ms", static_cast<double>(rtt));
  } else {
    d["latency_ms"] = nullptr;
  }
  out.push_back({"ea.pong", "ea_pong", std::move(d)});
}

void ConfirmListener::sweep(int64_t now_ns, Events& out) {
  retry_pending(now_ns, out);  // first: a deferred fill must not be swept into TIMEOUT
  store::FireRepo fires(db_);
  for (auto [state, timeout] : {std::pair{store::FireState::SENT, opt_.confirm_timeout_ns},
                                std::pair{store::FireState::QUEUED, opt_.queued_timeout_ns}}) {
    auto stale = fires.stale(state, now_ns - timeout, opt_.sweep_batch);
    if (!stale) {
      health_.add("db_errors");
      continue;
    }
    for (const auto& f : *stale) {
      auto t = fires.mark_timeout(f.fire_id, now_ns);
      if (!t) {
        // A confirmation (or the router) moved it first: nothing to time out.
        if (t.error().code != "illegal_transition") health_.add("db_errors");
        continue;
      }
      if (!t->applied) continue;
      health_.add(state == store::FireState::SENT ? "timeouts" : "timeouts_queued");
      out.push_back(fire_event(t->fire, t->from, now_ns));
    }
  }
}

}  // namespace bitten::execution

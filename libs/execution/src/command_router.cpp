#include "bitten/execution/command_router.hpp"

#include <variant>

#include "bitten/ea/commands.hpp"
#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/topics.hpp"
#include "bitten/store/audit_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/errors.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/write_transaction.hpp"

namespace bitten::execution {

namespace {

// The exact v2.05 bytes of a fire, from its row (the authority for what is sent).
Result<std::string> encode_fire_row(const store::FireRecord& f, const SymbolSpec& spec) {
  ea::FireCommand fc{f.ea_uuid, f.fire_id, f.symbol, f.direction == "SELL" ? ea::Direction::Sell : ea::Direction::Buy,
                     0, f.sl, f.tp, f.lot};
  return ea::encode_fire(fc, spec.digits);
}

std::string code_prefix(const std::string& code) {
  auto c = code.find(':');
  return c == std::string::npos ? code : code.substr(0, c);
}

}  // namespace

CommandRouter::CommandRouter(store::Database& db, const SymbolTable& symbols, RouterOptions options,
                             runtime::Health& health)
    : db_(db), symbols_(symbols), opt_(options), health_(health), registry_(options.ea_ttl_ns) {}

// ---- inbound: EA reports on 5555 ---------------------------------------------------------------

void CommandRouter::on_ea_frames(const std::vector<std::string>& frames, int64_t now_ns, RouterOutput& out) {
  health_.add("ea_frames_in");
  const std::string* payload = nullptr;
  bool req_style = false;
  if (frames.size() == 2) {
    payload = &frames[1];
  } else if (frames.size() == 3 && frames[1].empty()) {
    payload = &frames[2];
    req_style = true;
  } else {
    health_.add("ea_drop_bad_frames");
    return;
  }
  const std::string& identity = frames[0];
  if (payload->size() > opt_.max_message_bytes) {
    health_.add("ea_drop_too_large");
    return;
  }
  auto msg = decoder_.decode(*payload);
  if (!msg) {
    health_.add("ea_drop_" + code_prefix(msg.error().code));
    return;
  }
  if (auto* h = std::get_if<ea::Hello>(&*msg)) {
    const std::string uuid = !h->target_uuid.empty() ? h->target_uuid : identity;
    ReportFields f{h->account_login, h->broker, h->currency, h->leverage, h->balance, h->equity, h->free_margin,
                   h->margin_level, 0};
    on_report(identity, req_style, uuid, h->node_id, f, true, now_ns, out);
  } else if (auto* b = std::get_if<ea::DealerHeartbeat>(&*msg)) {
    std::string uuid = b->target_uuid;
    if (uuid.empty() && b->user_id) uuid = *b->user_id;
    if (uuid.empty()) uuid = identity;
    ReportFields f{b->account_login.value_or(""), b->broker.value_or(""), b->currency, b->leverage, b->balance,
                   b->equity, b->free_margin, b->margin_level, b->ticks_processed};
    on_report(identity, req_style, uuid, b->node_id, f, false, now_ns, out);
  } else {
    health_.add("ea_drop_unexpected_type");
  }
}

void CommandRouter::on_report(const std::string& identity, bool req_style, const std::string& uuid,
                              const std::string& node_id, const ReportFields& f, bool is_hello, int64_t now_ns,
                              RouterOutput& out) {
  if (!ea::is_safe_token(uuid)) {
    health_.add("ea_drop_bad_uuid");
    return;
  }
  health_.add(is_hello ? "ea_hello" : "ea_heartbeat");
  const Claim claim = registry_.observe(uuid, identity, node_id, req_style, now_ns);
  EaSession& s = *registry_.find(uuid);

  schema::EaStatusMsg st;
  st.uuid = uuid;
  st.node_id = node_id;
  st.account = f.account_login;
  st.broker = f.broker;
  st.currency = f.currency;
  st.balance = f.balance;
  st.equity = f.equity;
  st.free_margin = f.free_margin;
  st.margin_level = f.margin_level;
  st.leverage = f.leverage;
  st.ticks_processed = f.ticks_processed;
  st.time_ns = now_ns;

  if (claim == Claim::Duplicate) {
    health_.add("ea_duplicate_reports");
    if (!s.blocked) {
      s.blocked = true;
      s.blocked_by_router = true;
      health_.add("ea_blocked");
      if (auto r = store::EaRepo(db_).set_blocked(uuid, true); !r) health_.add("db_errors");
      store::AuditEntry a;
      a.ts_ns = now_ns;
      a.actor = "command_router";
      a.action = "ea_blocked_duplicate";
      a.target = uuid;
      a.detail_json = nlohmann::json{{"node_id", s.node_id},
                                     {"rival_node_id", s.rival_node_id},
                                     {"identity_changed", s.rival_identity != s.identity}}
                          .dump();
      if (auto r = store::AuditRepo(db_).append(a); !r) health_.add("db_errors");
      st.kind = "duplicate";
      st.node_id = s.rival_node_id;
      out.events.push_back({schema::topic::ea("duplicate"), schema::EaStatusMsg::kType, schema::to_json(st)});
      out.events.push_back(alert_event("ea_duplicate",
                                       {{"uuid", uuid},
                                        {"node_id", s.node_id},
                                        {"rival_node_id", s.rival_node_id},
                                        {"same_identity", s.rival_identity == s.identity},
                                        {"action", "routing blocked until an admin clears ea_instances.blocked"}},
                                       now_ns));
    }
    return;  // a rival's figures never overwrite the holder's row
  }
  if (claim == Claim::Reconnected) health_.add("ea_reconnected");
  if (claim == Claim::TakenOver) {
    // A restarted terminal (new node_id) whose predecessor fell silent when it appeared: lift the
    // block this router set for the claim. A block an admin set stays.
    health_.add("ea_taken_over");
    if (s.blocked && s.blocked_by_router) {
      s.blocked = false;
      s.blocked_by_router = false;
      if (auto r = store::EaRepo(db_).set_blocked(uuid, false); !r) health_.add("db_errors");
      store::AuditEntry a;
      a.ts_ns = now_ns;
      a.actor = "command_router";
      a.action = "ea_handover";
      a.target = uuid;
      a.detail_json = nlohmann::json{{"node_id", node_id}, {"reason", "previous node silent since the claim"}}.dump();
      if (auto r = store::AuditRepo(db_).append(a); !r) health_.add("db_errors");
      st.kind = "handover";
      out.events.push_back({schema::topic::ea("handover"), schema::EaStatusMsg::kType, schema::to_json(st)});
    }
  }

  if (is_hello || claim != Claim::Refreshed || now_ns - s.last_upsert_ns >= opt_.upsert_interval_ns) {
    store::EaReport rep;
    rep.uuid = uuid;
    rep.node_id = node_id;
    rep.account_login = f.account_login;
    rep.broker = f.broker;
    rep.currency = f.currency;
    rep.leverage = f.leverage;
    rep.balance = f.balance;
    rep.equity = f.equity;
    rep.free_margin = f.free_margin;
    rep.seen_ns = now_ns;
    auto row = store::EaRepo(db_).upsert(rep);
    if (row) {
      s.last_upsert_ns = now_ns;
      s.blocked = row->blocked;
    } else {
      health_.add("db_errors");
    }
  } else {
    health_.add("ea_upserts_rate_limited");
  }
  st.kind = is_hello ? "hello" : "heartbeat";
  out.events.push_back({schema::topic::ea(st.kind), schema::EaStatusMsg::kType, schema::to_json(st)});
}

// ---- outbound: the IPC queue ---------------------------------------------------------------------

void CommandRouter::on_queue_frames(const std::vector<std::string>& frames, int64_t now_ns, RouterOutput& out) {
  health_.add("queue_in");
  if (frames.size() != 2) {
    health_.add("queue_drop_bad_frames");
    out.events.push_back(alert_event("command_dropped", {{"reason", "bad_frames"}, {"frames", frames.size()}}, now_ns));
    return;
  }
  auto env = schema::decode_envelope(frames[1]);
  if (!env) {
    health_.add("queue_drop_" + env.error().code);
    out.events.push_back(alert_event("command_dropped", {{"reason", env.error().code}, {"topic", frames[0]}}, now_ns));
    return;
  }
  Result<schema::CommandMsg> cmd = make_error("unknown_type", env->type);
  if (env->type == schema::CommandMsg::kType) cmd = schema::command_from_json(env->data);
  if (!cmd) {
    health_.add("queue_drop_" + cmd.error().code);
    nlohmann::json d = {{"reason", cmd.error().code}, {"detail", cmd.error().message}, {"topic", frames[0]}};
    // If it names a fire that is still waiting, say so on the fire itself.
    for (const char* k : {"command_id", "fire_id"}) {
      if (env->data.is_object() && env->data.contains(k) && env->data[k].is_string()) {
        auto id = env->data[k].get<std::string>();
        auto f = store::FireRepo(db_).get(id);
        if (f && *f && (*f)->state == store::FireState::QUEUED) {
          undeliverable_fire(id, undeliverable::kBadCommand, cmd.error().message, now_ns, out);
          return;
        }
      }
    }
    out.events.push_back(alert_event("command_dropped", std::move(d), now_ns));
    return;
  }
  if (cmd->requested_ns == 0) cmd->requested_ns = env->ts;
  route(*cmd, now_ns, out);
}

CommandRouter::Route CommandRouter::resolve(const std::string& uuid, int64_t now_ns) {
  Route r;
  auto row = store::EaRepo(db_).get(uuid);
  if (!row) health_.add("db_errors");
  const store::EaInstance* inst = row && *row ? &**row : nullptr;
  EaSession* s = registry_.find(uuid);
  if (inst) r.bound_user = inst->user_id;
  if (s && inst && s->blocked != inst->blocked) {
    // The database is the authority: an admin cleared (or set) the block.
    s->blocked = inst->blocked;
    s->blocked_by_router = false;
    if (!inst->blocked) {
      s->rival_identity.clear();
      s->rival_node_id.clear();
      s->rival_first_ns = 0;
      s->duplicate_confirmed = false;
    }
  }
  if ((inst && inst->blocked) || (s && s->blocked)) {
    r.reason = undeliverable::kEaBlocked;
  } else if (s && registry_.is_live(*s, now_ns)) {
    r.identity = s->identity;
    r.req_style = s->req_style;
  } else if (!s && inst && now_ns - inst->last_seen_ns <= registry_.ttl_ns()) {
    // Reported recently to a previous router process: DEALERs reconnect with identity = UUID, and
    // ROUTER_MANDATORY tells us if that connection is not there.
    r.identity = uuid;
  } else if (!s && !inst) {
    r.reason = undeliverable::kEaUnknown;
  } else {
    r.reason = undeliverable::kEaOffline;
  }
  return r;
}

void CommandRouter::route(const schema::CommandMsg& cmd, int64_t now_ns, RouterOutput& out) {
  if (cmd.kind == "fire") {
    route_fire(cmd, now_ns, out);
    return;
  }
  health_.add("commands_" + cmd.kind);
  Route r = resolve(cmd.target_uuid, now_ns);
  const std::string user = !cmd.user_id.empty() ? cmd.user_id : r.bound_user.value_or("");
  Result<std::string> bytes = make_error("bad_command", "unknown kind");
  if (cmd.kind == "close_all") bytes = ea::encode_close_all(cmd.target_uuid);
  else if (cmd.kind == "close_ticket") bytes = ea::encode_close_ticket(cmd.target_uuid, cmd.ticket);
  else if (cmd.kind == "ping") bytes = ea::encode_ping(cmd.target_uuid, cmd.command_id);
  std::string reason = r.reason;
  if (reason.empty() && !bytes) reason = std::string(undeliverable::kBadCommand) + ":" + bytes.error().code;
  if (!reason.empty()) {
    health_.add("undeliverable_" + code_prefix(reason));
    out.events.push_back(command_event(user, cmd.command_id, cmd.kind, cmd.target_uuid, "UNDELIVERABLE", reason, now_ns));
    return;
  }
  out.sends.push_back({*r.identity, r.req_style, std::move(*bytes), cmd.kind, cmd.command_id, cmd.target_uuid, user,
                       cmd.requested_ns, std::nullopt});
}

void CommandRouter::undeliverable_fire(const std::string& fire_id, const std::string& reason,
                                       const std::string& detail, int64_t now_ns, RouterOutput& out) {
  health_.add("undeliverable_" + reason);
  store::FireRepo fires(db_);
  auto t = fires.mark_undeliverable(fire_id, reason, now_ns);
  if (!t) {
    health_.add(t.error().code == "illegal_transition" ? "fire_not_queued" : "db_errors");
    return;
  }
  if (!detail.empty()) t->fire.reason_detail = detail;
  if (t->applied) out.events.push_back(fire_event(t->fire, t->from, now_ns));
}

void CommandRouter::route_fire(const schema::CommandMsg& cmd, int64_t now_ns, RouterOutput& out) {
  health_.add("commands_fire");
  // The common case in one write transaction: the QUEUED row to SENT and back in one statement,
  // the route and the exact bytes from that row, commit, send. SENT is on disk before the bytes
  // leave, so whatever happens next this fire is never sent again. Anything else (not QUEUED, EA
  // not routable, bytes not encodable, a store error) rolls back and takes the path below, which
  // reads the fire again and records why.
  auto fast = store::guarded("route fire", [&]() -> Result<std::optional<OutboundCommand>> {
    store::WriteTransaction tx(db_);
    auto row = store::FireRepo(db_).try_mark_sent(cmd.command_id, now_ns);
    if (!row) return row.error();
    if (!*row) return std::optional<OutboundCommand>();
    const store::FireRecord& f = **row;
    Route r = resolve(f.ea_uuid, now_ns);
    const SymbolSpec* spec = symbols_.find(f.symbol);
    if (!r.identity || !spec) return std::optional<OutboundCommand>();
    auto bytes = encode_fire_row(f, *spec);
    if (!bytes) return std::optional<OutboundCommand>();
    tx.commit();
    return std::optional<OutboundCommand>(OutboundCommand{*r.identity, r.req_style, std::move(*bytes), "fire",
                                                          f.fire_id, f.ea_uuid, f.user_id,
                                                          cmd.requested_ns ? cmd.requested_ns : f.requested_ns, f});
  });
  if (fast && *fast) {
    if (cmd.target_uuid != (*fast)->uuid) health_.add("target_mismatch");  // the fire row is the authority
    out.sends.push_back(std::move(**fast));
    return;
  }
  store::FireRepo fires(db_);
  auto row = fires.get(cmd.command_id);
  if (!row) {
    // The store is unavailable: the fire stays QUEUED and the sweep times it out (the user learns it).
    health_.add("db_errors");
    return;
  }
  if (!*row) {
    health_.add("fire_not_found");
    out.events.push_back(alert_event("command_dropped",
                                     {{"reason", "fire_not_found"}, {"fire_id", cmd.command_id},
                                      {"target_uuid", cmd.target_uuid}},
                                     now_ns));
    return;
  }
  const store::FireRecord& f = **row;
  if (f.state != store::FireState::QUEUED) {
    health_.add("fire_not_queued");  // a duplicate queue message or a restart: never sent twice
    return;
  }
  if (cmd.target_uuid != f.ea_uuid) health_.add("target_mismatch");  // the fire row is the authority
  Route r = resolve(f.ea_uuid, now_ns);
  if (!r.identity) {
    undeliverable_fire(f.fire_id, r.reason, "", now_ns, out);
    return;
  }
  const SymbolSpec* spec = symbols_.find(f.symbol);
  if (!spec) {
    undeliverable_fire(f.fire_id, undeliverable::kUnknownSymbol, f.symbol, now_ns, out);
    return;
  }
  auto bytes = encode_fire_row(f, *spec);
  if (!bytes) {
    undeliverable_fire(f.fire_id, undeliverable::kBadCommand, bytes.error().code, now_ns, out);
    return;
  }
  // Record SENT first: whatever happens next, this fire is never sent again.
  auto t = fires.mark_sent(f.fire_id, now_ns);
  if (!t) {
    health_.add(t.error().code == "illegal_transition" ? "fire_not_queued" : "db_errors");
    return;
  }
  if (!t->applied) {
    health_.add("fire_not_queued");
    return;
  }
  out.sends.push_back({*r.identity, r.req_style, std::move(*bytes), "fire", f.fire_id, f.ea_uuid, f.user_id,
                       cmd.requested_ns ? cmd.requested_ns : f.requested_ns, t->fire});
}

void CommandRouter::on_send_result(const OutboundCommand& c, bool delivered, int64_t now_ns, RouterOutput& out) {
  if (c.kind != "fire") {
    if (delivered) health_.add("sent_" + c.kind);
    else health_.add("undeliverable_unroutable");
    out.events.push_back(command_event(c.user_id, c.command_id, c.kind, c.uuid, delivered ? "SENT" : "UNDELIVERABLE",
                                       delivered ? "" : undeliverable::kUnroutable, now_ns));
    return;
  }
  store::FireRepo fires(db_);
  if (!delivered) {
    undeliverable_fire(c.command_id, undeliverable::kUnroutable, "", now_ns, out);
    return;
  }
  health_.add("sent_fire");
  if (c.requested_ns > 0 && now_ns >= c.requested_ns)
    health_.gauge("last_fire_queue_to_send_ms", static_cast<double>(now_ns - c.requested_ns) / 1e6);
  if (c.fire) {
    out.events.push_back(fire_event(*c.fire, store::FireState::QUEUED, now_ns));
    return;
  }
  auto f = fires.get(c.command_id);
  if (f && *f) out.events.push_back(fire_event(**f, store::FireState::QUEUED, now_ns));
}

void CommandRouter::on_timer(int64_t now_ns, RouterOutput& out) {
  for (EaSession* s : registry_.newly_offline(now_ns)) {
    schema::EaStatusMsg st;
    st.kind = "offline";
    st.uuid = s->uuid;
    st.node_id = s->node_id;
    st.time_ns = s->last_seen_ns;
    out.events.push_back({schema::topic::ea("offline"), schema::EaStatusMsg::kType, schema::to_json(st)});
  }
  health_.gauge("eas_known", static_cast<double>(registry_.size()));
  health_.gauge("eas_live", static_cast<double>(registry_.live_count(now_ns)));
}

}  // namespace bitten::execution

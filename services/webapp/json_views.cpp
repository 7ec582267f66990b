#include "json_views.hpp"

namespace bitten::webapp {

namespace {
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json to_json(const store::SignalRecord& s) {
  return {{"signal_id", s.signal_id},   {"symbol", s.symbol},         {"direction", s.direction},
          {"pattern", s.pattern},       {"timeframe", s.timeframe},   {"signal_class", s.signal_class},
          {"session", s.session},       {"entry", s.entry},           {"sl", s.sl},
          {"tp", s.tp},                 {"sl_pips", s.sl_pips},       {"tp_pips", s.tp_pips},
          {"rr", s.rr},                 {"confidence", s.confidence}, {"spread_pips", s.spread_pips},
          {"atr_pips", s.atr_pips},     {"accepted", s.accepted},     {"probability", opt(s.probability)},
          {"model_version", s.model_version}, {"score_reason", s.score_reason}, {"bar_time_ns", s.bar_time_ns},
          {"detected_ns", s.detected_ns}, {"source", s.source}};
}

nlohmann::json to_json(const store::FireRecord& f) {
  return {{"fire_id", f.fire_id},
          {"mission_id", opt(f.mission_id)},
          {"signal_id", opt(f.signal_id)},
          {"mode", f.mode},
          {"symbol", f.symbol},
          {"direction", f.direction},
          {"lot", f.lot},
          {"entry", f.entry},
          {"sl", f.sl},
          {"tp", f.tp},
          {"risk_pct", f.risk_pct},
          {"risk_amount", f.risk_amount},
          {"state", std::string(store::to_string(f.state))},
          {"reason", f.reason},
          {"reason_detail", f.reason_detail},
          {"ticket", opt(f.ticket)},
          {"fill_price", opt(f.fill_price)},
          {"close_price", opt(f.close_price)},
          {"close_result", opt(f.close_result)},
          {"pnl", opt(f.pnl)},
          {"close_inferred", f.close_inferred},
          {"requested_ns", f.requested_ns},
          {"updated_ns", f.updated_ns}};
}

nlohmann::json to_json(const store::PositionRecord& p) {
  return {{"fire_id", p.fire_id},       {"symbol", p.symbol},         {"direction", p.direction},
          {"lot", p.lot},               {"open_price", p.open_price}, {"sl", p.sl},
          {"tp", p.tp},                 {"ticket", opt(p.ticket)},    {"status", p.status},
          {"opened_ns", p.opened_ns},   {"close_price", opt(p.close_price)}, {"closed_ns", opt(p.closed_ns)},
          {"pnl", opt(p.pnl)},          {"pips", opt(p.pips)},        {"close_reason", opt(p.close_reason)},
          {"inferred", p.inferred}};
}

nlohmann::json to_json(const store::UserRecord& u) {
  return {{"user_id", u.user_id},         {"telegram_id", opt(u.telegram_id)}, {"display_name", u.display_name},
          {"tier", u.tier},               {"role", u.role},                    {"halted", u.halted},
          {"halt_reason", u.halt_reason}, {"created_ns", u.created_ns},        {"updated_ns", u.updated_ns}};
}

nlohmann::json to_json(const store::EaInstance& e, int64_t now_ns, int64_t ttl_s) {
  const bool online = e.last_seen_ns > 0 && now_ns - e.last_seen_ns <= ttl_s * 1'000'000'000LL;
  return {{"uuid", e.uuid},         {"user_id", opt(e.user_id)},   {"node_id", e.node_id},
          {"account_login", e.account_login}, {"broker", e.broker}, {"currency", e.currency},
          {"leverage", e.leverage}, {"balance", e.balance},        {"equity", e.equity},
          {"free_margin", e.free_margin}, {"sod_equity", opt(e.sod_equity)}, {"blocked", e.blocked},
          {"online", online},       {"first_seen_ns", e.first_seen_ns}, {"last_seen_ns", e.last_seen_ns},
          {"last_seen_age_s", e.last_seen_ns > 0 ? nlohmann::json((now_ns - e.last_seen_ns) / 1'000'000'000LL)
                                                 : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const store::ModelRecord& m) {
  auto metrics = nlohmann::json::parse(m.metrics_json, nullptr, false);
  if (metrics.is_discarded()) metrics = nlohmann::json::object();
  return {{"version", m.version},         {"path", m.path},           {"created_ns", m.created_ns},
          {"metrics", metrics},           {"threshold", m.threshold}, {"is_current", m.is_current},
          {"promoted_ns", opt(m.promoted_ns)}, {"rolled_back_ns", opt(m.rolled_back_ns)}};
}

nlohmann::json to_json(const store::AuditEntry& a) {
  auto detail = nlohmann::json::parse(a.detail_json, nullptr, false);
  if (detail.is_discarded()) detail = a.detail_json;
  return {{"audit_id", a.audit_id}, {"ts_ns", a.ts_ns},   {"actor", a.actor},
          {"action", a.action},     {"target", a.target}, {"detail", detail}};
}

nlohmann::json to_json(const risk::ApprovedOrder& o) {
  return {{"ea_uuid", o.ea_uuid},     {"symbol", o.symbol},         {"direction", o.direction},
          {"lot", o.lot},             {"entry", o.entry},           {"sl", o.sl},
          {"tp", o.tp},               {"price", o.price},           {"stop_pips", o.stop_pips},
          {"spread_pips", o.spread_pips}, {"pip_value_per_lot", o.pip_value_per_lot}, {"balance", o.balance},
          {"risk_pct", o.risk_pct},   {"risk_amount", o.risk_amount}, {"slots_used", o.slots_used},
          {"slots_max", o.slots_max}};
}

}  // namespace bitten::webapp

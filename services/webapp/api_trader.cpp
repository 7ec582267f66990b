// The trader API on 8888: signals, bars, missions and briefs, fire, fires and positions, account, mode.
#include <algorithm>
#include <set>

#include "app.hpp"
#include "bitten/schema/topics.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/mission_repo.hpp"
#include "bitten/store/signal_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "json_views.hpp"
#include "responses.hpp"

namespace bitten::webapp {

namespace {

bool valid_id(const nlohmann::json& v, size_t max_len) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.' || ch == ':';
  });
}

}  // namespace

void App::get_signals(Ctx& c) {
  const int limit = query_int(c.query, "limit", 50, 1, 200);
  const bool all = c.query.count("all") && c.query.at("all") == "1" && c.principal->role == "admin";
  auto stored = store::SignalRepo(d_.db).recent(limit);
  if (!stored) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  // The store (signal_relay's rows) merged with what arrived live on 5557, newest first, once each.
  std::vector<store::SignalRecord> merged = *stored;
  std::set<std::string> seen;
  for (const auto& s : merged) seen.insert(s.signal_id);
  for (const auto& s : live_signals_)
    if (!seen.count(s.signal_id)) merged.push_back(s);
  std::stable_sort(merged.begin(), merged.end(),
                   [](const auto& a, const auto& b) { return a.detected_ns > b.detected_ns; });
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& s : merged) {
    if (!all && !s.accepted) continue;
    if (static_cast<int>(arr.size()) >= limit) break;
    arr.push_back(to_json(s));
  }
  c.reply(json_response(200, {{"signals", arr}, {"count", arr.size()}}));
}

void App::get_signal(Ctx& c) {
  auto s = find_signal(c.params["id"]);
  if (!s) {
    c.reply(error_response(404, "not_found"));
    return;
  }
  c.reply(json_response(200, to_json(*s)));
}

void App::get_bars(Ctx& c) {
  const std::string symbol = c.query.count("symbol") ? c.query.at("symbol") : "";
  auto tf = parse_timeframe(c.query.count("tf") ? c.query.at("tf") : "M1");
  if (symbol.empty() || symbol.size() > 32 || !tf) {
    c.reply(error_response(400, "bad_request", "symbol and tf (M1|M5|M15) required"));
    return;
  }
  const int limit = query_int(c.query, "limit", 200, 1, 1000);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& b : market_.bars(symbol, *tf, static_cast<size_t>(limit)))
    arr.push_back({{"time", b.open_time_ns / 1'000'000'000LL}, {"open", b.open}, {"high", b.high},
                   {"low", b.low}, {"close", b.close}, {"ticks", b.tick_count}});
  nlohmann::json j = {{"symbol", symbol}, {"tf", c.query.count("tf") ? c.query.at("tf") : "M1"}, {"bars", arr}};
  if (auto q = market_.quote(symbol)) j["quote"] = {{"bid", q->bid}, {"ask", q->ask}, {"time_ns", q->time_ns}};
  c.reply(json_response(200, j));
}

void App::get_missions(Ctx& c) {
  auto ms = store::MissionRepo(d_.db).active_for_user(c.principal->user_id, d_.clock.now_ns(), 50);
  if (!ms) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& m : *ms) arr.push_back(mission_json(m));
  c.reply(json_response(200, {{"missions", arr}}));
}

void App::get_mission(Ctx& c) {
  auto m = store::MissionRepo(d_.db).get(c.params["id"]);
  if (!m) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  // Another user's mission is indistinguishable from a missing one.
  if (!*m || (*m)->user_id != c.principal->user_id) {
    c.reply(error_response(404, "mission_not_found"));
    return;
  }
  nlohmann::json j = mission_json(**m);
  risk::FireRequest rq{c.principal->user_id, (*m)->mission_id, risk::FireMode::Manual, std::nullopt, d_.clock.now_ns()};
  auto preview = fires_.preview(rq, quotes());
  if (preview) {
    j["verdict"] = {{"approved", preview->approved}, {"reason", preview->reason}, {"detail", preview->detail}};
    j["order"] = preview->order ? to_json(*preview->order) : nlohmann::json(nullptr);
  } else {
    j["verdict"] = {{"approved", false}, {"reason", "store_unavailable"}, {"detail", preview.error().message}};
    j["order"] = nullptr;
  }
  if (auto q = market_.quote(j["signal"].is_object() ? j["signal"]["symbol"].get<std::string>() : ""))
    j["quote"] = {{"bid", q->bid}, {"ask", q->ask}, {"time_ns", q->time_ns}};
  c.reply(json_response(200, j));
}

void App::post_fire(Ctx& c) {
  const Principal& p = *c.principal;
  const int64_t now = d_.clock.now_ns();
  const auto* tier = d_.risk.tier(p.tier);
  if (!tier || !tier->can_manual) {
    c.reply(json_response(403, {{"error", "forbidden"},
                                {"reason", tier && tier->read_only() ? "tier_read_only" : "manual_not_allowed"},
                                {"message", "your tier cannot fire"}}));
    return;
  }
  if (!valid_id(c.body.value("mission_id", nlohmann::json()), 128) ||
      !valid_id(c.body.value("idempotency_key", nlohmann::json()), 64)) {
    c.reply(error_response(400, "bad_request", "mission_id and idempotency_key ([A-Za-z0-9_.:-], <=64) required"));
    return;
  }
  const std::string mission_id = c.body["mission_id"].get<std::string>();
  const std::string key = c.body["idempotency_key"].get<std::string>();
  if (!fire_limiter_.allow("user:" + p.user_id, now)) {
    Response r = error_response(429, "rate_limited", "too many fire requests");
    r.add_header("Retry-After", std::to_string(fire_limiter_.retry_after_s("user:" + p.user_id)));
    c.reply(std::move(r));
    return;
  }
  auto m = store::MissionRepo(d_.db).get(mission_id);
  if (!m) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  if (!*m || (*m)->user_id != p.user_id) {
    c.reply(error_response(404, "mission_not_found"));
    return;
  }
  risk::FireRequest rq{p.user_id, mission_id, risk::FireMode::Manual, key, now};
  auto out = fires_.fire(rq, quotes());
  if (!out) {
    c.reply(error_response(503, "store_unavailable", out.error().message));
    return;
  }
  store::FireRepo repo(d_.db);
  auto rec = repo.get(out->fire_id);
  nlohmann::json fire = rec && *rec ? to_json(**rec) : nlohmann::json{{"fire_id", out->fire_id}};
  if (out->duplicate) {
    fire["duplicate"] = true;
    c.reply(json_response(200, fire));
    return;
  }
  if (out->state != store::FireState::QUEUED || !out->command) {
    if (rec && *rec) publish_fire(**rec);
    fire["state"] = std::string(store::to_string(out->state));
    fire["reason"] = out->reason;
    fire["reason_detail"] = out->detail;
    c.reply(json_response(422, fire));
    return;
  }
  const auto& cmd = *out->command;
  std::string payload = command_writer_.encode(schema::CommandMsg::kType, now,
                                               schema::to_json(risk::to_command(cmd, p.user_id, now)));
  if (rec && *rec) publish_fire(**rec);
  Reply reply = c.reply;
  const std::string fire_id = out->fire_id;
  d_.outbox.send_command(schema::topic::command(cmd.target_uuid), std::move(payload), [this, reply, fire, fire_id](bool sent) mutable {
    if (sent) {
      reply(json_response(202, fire));
      return;
    }
    // The router is not there to take it: say so now rather than leave the fire QUEUED forever.
    auto t = store::FireRepo(d_.db).mark_undeliverable(fire_id, "command_queue_unavailable", d_.clock.now_ns());
    if (t) {
      publish_fire(t->fire);
      fire = to_json(t->fire);
    } else {
      fire["state"] = "UNDELIVERABLE";
      fire["reason"] = "command_queue_unavailable";
    }
    reply(json_response(503, fire));
  });
}

void App::get_fires(Ctx& c) {
  const int limit = query_int(c.query, "limit", 50, 1, 200);
  auto fs = store::FireRepo(d_.db).for_user(c.principal->user_id, limit);
  if (!fs) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : *fs) arr.push_back(to_json(f));
  c.reply(json_response(200, {{"fires", arr}}));
}

void App::get_positions(Ctx& c) {
  store::FireRepo repo(d_.db);
  auto open = repo.open_positions(c.principal->user_id);
  auto recent = repo.positions_for_user(c.principal->user_id, query_int(c.query, "limit", 50, 1, 200));
  if (!open || !recent) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json o = nlohmann::json::array(), r = nlohmann::json::array();
  for (const auto& pos : *open) {
    auto j = to_json(pos);
    if (auto q = market_.quote(pos.symbol)) {
      const double px = pos.direction == "BUY" ? q->bid : q->ask;
      j["mark_price"] = px;
    }
    o.push_back(j);
  }
  for (const auto& pos : *recent) r.push_back(to_json(pos));
  c.reply(json_response(200, {{"open", o}, {"recent", r}}));
}

void App::get_account(Ctx& c) {
  const int64_t now = d_.clock.now_ns();
  const auto& uid = c.principal->user_id;
  auto ea = store::EaRepo(d_.db).for_user(uid);
  store::FireRepo fires(d_.db);
  auto slots = fires.slots_used(uid);
  auto trades = fires.trades_today(uid, now);
  auto pnl = fires.realized_pnl_today(uid, now);
  auto user = store::UserRepo(d_.db).get(uid);
  auto halt = store::SystemRepo(d_.db).global_halt();
  auto mode = store::UserRepo(d_.db).mode(uid);
  if (!ea || !slots || !trades || !pnl || !user || !*user || !halt || !mode) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  const auto* tier = d_.risk.tier(c.principal->tier);
  nlohmann::json j = {{"user_id", uid},
                      {"tier", c.principal->tier},
                      {"mode", *mode},
                      {"slots_used", *slots},
                      {"slots_max", tier ? tier->slots : 0},
                      {"trades_today", *trades},
                      {"max_trades_per_day", tier ? tier->max_trades_per_day : 0},
                      {"realized_pnl_today", *pnl},
                      {"halted", (*user)->halted},
                      {"halt_reason", (*user)->halt_reason},
                      {"global_halt", halt->halted},
                      {"global_halt_reason", halt->reason}};
  j["ea"] = *ea ? to_json(**ea, now, d_.risk.ea_ttl_s) : nlohmann::json(nullptr);
  j["ea_online"] = *ea && j["ea"]["online"].get<bool>();
  c.reply(json_response(200, j));
}

void App::get_mode(Ctx& c) {
  auto mode = store::UserRepo(d_.db).mode(c.principal->user_id);
  if (!mode) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  const auto* tier = d_.risk.tier(c.principal->tier);
  c.reply(json_response(200, {{"mode", *mode},
                              {"can_auto", tier && tier->can_auto},
                              {"auto_min_probability", d_.risk.auto_min_probability},
                              {"auto_min_probability_source", "risk.json"}}));
}

void App::post_mode(Ctx& c) {
  const std::string mode = c.body.value("mode", "");
  if (mode != "SELECT" && mode != "AUTO") {
    c.reply(error_response(400, "bad_request", "mode must be SELECT or AUTO"));
    return;
  }
  if (c.body.contains("auto_min_probability")) {
    c.reply(error_response(501, "not_supported", "a per-user auto-fire minimum is not stored yet; risk.json sets it"));
    return;
  }
  const auto* tier = d_.risk.tier(c.principal->tier);
  if (mode == "AUTO" && !(tier && tier->can_auto)) {
    c.reply(json_response(403, {{"error", "forbidden"}, {"reason", "auto_not_allowed"}}));
    return;
  }
  if (auto st = store::UserRepo(d_.db).set_mode(c.principal->user_id, mode, d_.clock.now_ns()); !st) {
    c.reply(error_response(503, "store_unavailable", st.error().message));
    return;
  }
  d_.outbox.publish_event("mode." + c.principal->user_id, "user_mode", {{"user_id", c.principal->user_id}, {"mode", mode}});
  c.reply(json_response(200, {{"mode", mode}}));
}

}  // namespace bitten::webapp

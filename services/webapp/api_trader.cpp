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

// {"auto_min_probability": effective value, "_source": "user" | "risk.json", "user_...": own value or null}
void add_auto_min(nlohmann::json& j, const std::optional<double>& own, double fleet_default) {
  j["auto_min_probability"] = own.value_or(fleet_default);
  j["auto_min_probability_source"] = own ? "user" : "risk.json";
  j["user_auto_min_probability"] = own ? nlohmann::json(*own) : nlohmann::json(nullptr);
}
}  // namespace

void App::get_signals(Ctx& c) {
  const int limit = query_int(c.query, "limit", 50, 1, 200);
  const bool all = c.query.count("all") && c.query.at("all") == "1" && c.principal->role == "admin";
  auto stored = store::SignalRepo(d_.db).recent_keys(limit);
  if (!stored) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  // The store (signal_relay's rows) merged with what arrived live on 5557, newest first, once each.
  std::vector<store::SignalRepo::Key> merged = std::move(*stored);
  std::set<std::string> seen;
  for (const auto& s : merged) seen.insert(s.signal_id);
  for (const auto& s : live_signals_)
    if (!seen.count(s.signal_id)) merged.push_back({s.signal_id, s.detected_ns, s.accepted});
  std::stable_sort(merged.begin(), merged.end(),
                   [](const auto& a, const auto& b) { return a.detected_ns > b.detected_ns; });
  // A stored signal never changes, so each one is serialised once (signal_json) and the reply is
  // spliced from those strings: reading and building 50 full rows per request was most of its cost.
  std::string items;
  int n = 0;
  for (const auto& k : merged) {
    if (!all && !k.accepted) continue;
    if (n >= limit) break;
    const std::string* js = signal_json(k.signal_id);
    if (!js) continue;  // vanished between the two reads
    if (n++) items += ',';
    items += *js;
  }
  Response r;
  r.status = 200;
  r.body.reserve(items.size() + 32);
  r.body = "{\"count\":" + std::to_string(n) + ",\"signals\":[" + items + "]}";
  c.reply(std::move(r));
}

const std::string* App::signal_json(const std::string& signal_id) {
  auto it = signal_json_.find(signal_id);
  if (it != signal_json_.end()) return &it->second;
  auto s = find_signal(signal_id);
  if (!s) return nullptr;
  if (signal_json_.size() >= 4096) signal_json_.clear();  // bounded; refilled by the next requests
  return &signal_json_.emplace(signal_id, to_json(*s).dump()).first->second;
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
  for (const auto& m : *ms) {
    auto j = mission_json(m);
    if (!j.value("expired", false)) arr.push_back(std::move(j));  // not those the market has left behind
  }
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
  if (!out->record) {  // user_not_found: the principal's user row is gone, nothing was written
    c.reply(json_response(422, {{"fire_id", ""}, {"state", "REJECTED"}, {"reason", out->reason},
                                {"reason_detail", out->detail}}));
    return;
  }
  const store::FireRecord& rec = *out->record;
  if (out->duplicate) {
    nlohmann::json fire = to_json(rec);
    fire["duplicate"] = true;
    c.reply(json_response(200, fire));
    return;
  }
  if (out->state != store::FireState::QUEUED || !out->command) {
    publish_fire(rec);
    c.reply(json_response(422, to_json(rec)));
    return;
  }
  // The command leaves first; the reply, the event and their JSON follow it.
  const auto& cmd = *out->command;
  std::string payload = command_writer_.encode(schema::CommandMsg::kType, now,
                                               schema::to_json(risk::to_command(cmd, p.user_id, now)));
  auto queued_published = std::make_shared<bool>(false);  // QUEUED goes out once, before any later state
  Reply reply = c.reply;
  const std::string fire_id = out->fire_id;
  d_.outbox.send_command(schema::topic::command(cmd.target_uuid), std::move(payload),
                         [this, reply, fire_id, rec, queued_published](bool sent) mutable {
    if (sent) {
      reply(json_response(202, to_json(rec)));
      return;
    }
    if (!*queued_published) {
      publish_fire(rec);
      *queued_published = true;
    }
    // The router is not there to take it: say so now rather than leave the fire QUEUED forever.
    auto t = store::FireRepo(d_.db).mark_undeliverable(fire_id, "command_queue_unavailable", d_.clock.now_ns());
    nlohmann::json fire = to_json(t ? t->fire : rec);
    if (t) {
      publish_fire(t->fire);
    } else {
      fire["state"] = "UNDELIVERABLE";
      fire["reason"] = "command_queue_unavailable";
    }
    reply(json_response(503, fire));
  });
  if (!*queued_published) {
    publish_fire(rec);
    *queued_published = true;
  }
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
  auto own_min = store::UserRepo(d_.db).auto_min_probability(uid);
  if (!ea || !slots || !trades || !pnl || !user || !*user || !halt || !mode || !own_min) {
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
  add_auto_min(j, *own_min, d_.risk.auto_min_probability);
  j["ea"] = *ea ? to_json(**ea, now, d_.risk.ea_ttl_s) : nlohmann::json(nullptr);
  j["ea_online"] = *ea && j["ea"]["online"].get<bool>();
  c.reply(json_response(200, j));
}

void App::get_mode(Ctx& c) {
  store::UserRepo users(d_.db);
  auto mode = users.mode(c.principal->user_id);
  auto own = users.auto_min_probability(c.principal->user_id);
  if (!mode || !own) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  const auto* tier = d_.risk.tier(c.principal->tier);
  nlohmann::json j = {{"mode", *mode}, {"can_auto", tier && tier->can_auto}};
  add_auto_min(j, *own, d_.risk.auto_min_probability);
  c.reply(json_response(200, j));
}

// {mode?: "SELECT"|"AUTO", auto_min_probability?: 0.5..0.99 | null (back to risk.json's)}; at least one.
void App::post_mode(Ctx& c) {
  const bool has_mode = c.body.contains("mode");
  const bool has_min = c.body.contains("auto_min_probability");
  const std::string mode = has_mode && c.body["mode"].is_string() ? c.body["mode"].get<std::string>() : "";
  if ((!has_mode && !has_min) || (has_mode && mode != "SELECT" && mode != "AUTO")) {
    c.reply(error_response(400, "bad_request", "mode must be SELECT or AUTO"));
    return;
  }
  std::optional<double> min;
  if (has_min) {
    const auto& v = c.body["auto_min_probability"];
    if (!v.is_null()) {
      if (!v.is_number() || !(v.get<double>() >= store::UserRepo::kMinAutoProbability &&
                              v.get<double>() <= store::UserRepo::kMaxAutoProbability)) {
        c.reply(error_response(400, "bad_request", "auto_min_probability must be a number within [0.5, 0.99] or null"));
        return;
      }
      min = v.get<double>();
    }
  }
  const auto* tier = d_.risk.tier(c.principal->tier);
  if ((mode == "AUTO" || min) && !(tier && tier->can_auto)) {
    c.reply(json_response(403, {{"error", "forbidden"}, {"reason", "auto_not_allowed"}}));
    return;
  }
  store::UserRepo users(d_.db);
  const int64_t now = d_.clock.now_ns();
  if (has_mode) {
    if (auto st = users.set_mode(c.principal->user_id, mode, now); !st) {
      c.reply(error_response(503, "store_unavailable", st.error().message));
      return;
    }
  }
  if (has_min) {
    if (auto st = users.set_auto_min_probability(c.principal->user_id, min, now); !st) {
      c.reply(error_response(503, "store_unavailable", st.error().message));
      return;
    }
  }
  auto current = users.mode(c.principal->user_id);
  auto own = users.auto_min_probability(c.principal->user_id);
  if (!current || !own) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json j = {{"mode", *current}};
  add_auto_min(j, *own, d_.risk.auto_min_probability);
  nlohmann::json event = j;
  event["user_id"] = c.principal->user_id;
  d_.outbox.publish_event("mode." + c.principal->user_id, "user_mode", event);
  c.reply(json_response(200, j));
}

}  // namespace bitten::webapp

// The Commander Throne API on 8899 (admins only): users and tiers, kill switches, the EA fleet,
// the audit log, daemon health and the model registry. Every change is written to the audit log.
#include <stdexcept>

#include "app.hpp"
#include "bitten/store/audit_repo.hpp"
#include "bitten/store/ea_repo.hpp"
#include "bitten/store/fire_repo.hpp"
#include "bitten/store/model_repo.hpp"
#include "bitten/store/system_repo.hpp"
#include "bitten/store/user_repo.hpp"
#include "json_views.hpp"
#include "responses.hpp"

namespace bitten::webapp {

void App::admin_users(Ctx& c) {
  auto users = store::UserRepo(d_.db).list_all();
  if (!users) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  store::FireRepo fires(d_.db);
  store::EaRepo eas(d_.db);
  const int64_t now = d_.clock.now_ns();
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& u : *users) {
    auto j = to_json(u);
    auto slots = fires.slots_used(u.user_id);
    j["slots_used"] = slots ? *slots : -1;
    auto ea = eas.for_user(u.user_id);
    j["ea"] = ea && *ea ? to_json(**ea, now, d_.risk.ea_ttl_s) : nlohmann::json(nullptr);
    arr.push_back(std::move(j));
  }
  nlohmann::json tiers = nlohmann::json::array();
  for (const auto& [name, _] : d_.risk.tiers) tiers.push_back(name);
  c.reply(json_response(200, {{"users", arr}, {"tiers", tiers}}));
}

void App::admin_edit_user(Ctx& c) {
  const std::string& uid = c.params["id"];
  store::UserRepo users(d_.db);
  auto u = users.get(uid);
  if (!u || !*u) {
    c.reply(error_response(u ? 404 : 503, u ? "not_found" : "store_unavailable"));
    return;
  }
  const int64_t now = d_.clock.now_ns();
  nlohmann::json changed = nlohmann::json::object();
  if (c.body.contains("tier")) {
    const auto& t = c.body["tier"];
    if (!t.is_string() || !d_.risk.tier(t.get<std::string>())) {
      c.reply(error_response(400, "bad_tier", "tier must be one of risk.json's tiers"));
      return;
    }
    if (auto st = users.set_tier(uid, t.get<std::string>(), now); !st) {
      c.reply(error_response(503, "store_unavailable", st.error().message));
      return;
    }
    changed["tier"] = {{"from", (*u)->tier}, {"to", t}};
  }
  if (c.body.contains("role")) {
    const auto& r = c.body["role"];
    if (!r.is_string() || (r != "trader" && r != "admin")) {
      c.reply(error_response(400, "bad_role", "role must be trader or admin"));
      return;
    }
    if (auto st = users.set_role(uid, r.get<std::string>(), now); !st) {
      c.reply(error_response(503, "store_unavailable", st.error().message));
      return;
    }
    changed["role"] = {{"from", (*u)->role}, {"to", r}};
  }
  if (changed.empty()) {
    c.reply(error_response(400, "bad_request", "nothing to change (tier, role)"));
    return;
  }
  audit(*c.principal, "edit_user", uid, changed);
  auto after = users.get(uid);
  c.reply(json_response(200, after && *after ? to_json(**after) : nlohmann::json::object()));
}

void App::admin_halt_user(Ctx& c) {
  const std::string& uid = c.params["id"];
  if (!c.body.contains("halted") || !c.body["halted"].is_boolean()) {
    c.reply(error_response(400, "bad_request", "halted (boolean) required"));
    return;
  }
  if (c.body.contains("reason") && !c.body["reason"].is_string()) {
    c.reply(error_response(400, "bad_request", "reason must be a string"));
    return;
  }
  const bool halted = c.body["halted"].get<bool>();
  const std::string reason = c.body.value("reason", halted ? "halted by admin" : "");
  store::UserRepo users(d_.db);
  auto u = users.get(uid);
  if (!u || !*u) {
    c.reply(error_response(u ? 404 : 503, u ? "not_found" : "store_unavailable"));
    return;
  }
  if (auto st = users.set_halted(uid, halted, reason, d_.clock.now_ns()); !st) {
    c.reply(error_response(503, "store_unavailable", st.error().message));
    return;
  }
  audit(*c.principal, halted ? "halt_user" : "resume_user", uid, {{"reason", reason}});
  d_.outbox.publish_event("halt." + uid, "halt", {{"scope", "user"}, {"user_id", uid}, {"halted", halted}, {"reason", reason}});
  c.reply(json_response(200, {{"user_id", uid}, {"halted", halted}, {"reason", reason}}));
}

void App::admin_get_halt(Ctx& c) {
  auto h = store::SystemRepo(d_.db).global_halt();
  if (!h) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  c.reply(json_response(200, {{"halted", h->halted}, {"reason", h->reason}, {"by", h->by}, {"since_ns", h->since_ns}}));
}

void App::admin_set_halt(Ctx& c) {
  if (!c.body.contains("halted") || !c.body["halted"].is_boolean()) {
    c.reply(error_response(400, "bad_request", "halted (boolean) required"));
    return;
  }
  if (c.body.contains("reason") && !c.body["reason"].is_string()) {
    c.reply(error_response(400, "bad_request", "reason must be a string"));
    return;
  }
  const bool halted = c.body["halted"].get<bool>();
  const std::string reason = c.body.value("reason", halted ? "halted by admin" : "");
  if (auto st = store::SystemRepo(d_.db).set_global_halt(halted, reason, c.principal->user_id, d_.clock.now_ns()); !st) {
    c.reply(error_response(503, "store_unavailable", st.error().message));
    return;
  }
  audit(*c.principal, halted ? "global_halt" : "global_resume", "*", {{"reason", reason}});
  d_.outbox.publish_event("halt.global", "halt", {{"scope", "global"}, {"halted", halted}, {"reason", reason}});
  admin_get_halt(c);
}

void App::admin_ea(Ctx& c) {
  auto eas = store::EaRepo(d_.db).list_all();
  if (!eas) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  const int64_t now = d_.clock.now_ns();
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : *eas) {
    auto j = to_json(e, now, d_.risk.ea_ttl_s);
    j["duplicate_seen"] = duplicate_eas_.count(e.uuid) > 0;
    arr.push_back(std::move(j));
  }
  nlohmann::json dups = nlohmann::json::array();
  for (const auto& u : duplicate_eas_) dups.push_back(u);
  c.reply(json_response(200, {{"eas", arr}, {"duplicates", dups}, {"ttl_s", d_.risk.ea_ttl_s}}));
}

void App::admin_edit_ea(Ctx& c) {
  const std::string& uuid = c.params["id"];
  store::EaRepo eas(d_.db);
  auto e = eas.get(uuid);
  if (!e || !*e) {
    c.reply(error_response(e ? 404 : 503, e ? "not_found" : "store_unavailable"));
    return;
  }
  nlohmann::json changed = nlohmann::json::object();
  if (c.body.contains("blocked")) {
    if (!c.body["blocked"].is_boolean()) {
      c.reply(error_response(400, "bad_request", "blocked must be a boolean"));
      return;
    }
    if (auto st = eas.set_blocked(uuid, c.body["blocked"].get<bool>()); !st) {
      c.reply(error_response(503, "store_unavailable"));
      return;
    }
    changed["blocked"] = c.body["blocked"];
    if (!c.body["blocked"].get<bool>()) duplicate_eas_.erase(uuid);
  }
  if (c.body.contains("user_id")) {
    const auto& u = c.body["user_id"];
    std::optional<std::string> bind;
    if (u.is_string()) {
      auto exists = store::UserRepo(d_.db).get(u.get<std::string>());
      if (!exists || !*exists) {
        c.reply(error_response(400, "bad_user", "no such user"));
        return;
      }
      bind = u.get<std::string>();
    } else if (!u.is_null()) {
      c.reply(error_response(400, "bad_request", "user_id must be a string or null"));
      return;
    }
    if (auto st = eas.bind_user(uuid, bind); !st) {
      c.reply(error_response(503, "store_unavailable"));
      return;
    }
    changed["user_id"] = u;
  }
  if (changed.empty()) {
    c.reply(error_response(400, "bad_request", "nothing to change (blocked, user_id)"));
    return;
  }
  audit(*c.principal, "edit_ea", uuid, changed);
  auto after = eas.get(uuid);
  c.reply(json_response(200, after && *after ? to_json(**after, d_.clock.now_ns(), d_.risk.ea_ttl_s) : nlohmann::json::object()));
}

void App::admin_audit(Ctx& c) {
  auto entries = store::AuditRepo(d_.db).recent(query_int(c.query, "limit", 100, 1, 1000));
  if (!entries) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : *entries) arr.push_back(to_json(e));
  c.reply(json_response(200, {{"entries", arr}}));
}

void App::admin_health(Ctx& c) {
  int status = 200;
  auto j = healthz(status);
  j["http_status"] = status;
  j["ws_clients"] = hub_.size();
  j["market_symbols"] = market_.symbols();
  c.reply(json_response(200, j));
}

void App::admin_models(Ctx& c) {
  auto models = store::ModelRepo(d_.db).list_all();
  if (!models) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& m : *models) arr.push_back(to_json(m));
  c.reply(json_response(200, {{"models", arr}}));
}

void App::admin_promote(Ctx& c) {
  const std::string& version = c.params["id"];
  store::ModelRepo models(d_.db);
  auto before = models.current();
  if (auto st = models.promote(version, d_.clock.now_ns()); !st) {
    const bool missing = st.error().code == "model_not_found";
    c.reply(error_response(missing ? 404 : 503, st.error().code, st.error().message));
    return;
  }
  const std::string prev = before && *before ? (*before)->version : "";
  audit(*c.principal, "promote_model", version, {{"previous", prev}});
  d_.outbox.publish_event("model.promoted", "model", {{"version", version}, {"previous", prev}, {"action", "promote"}});
  c.reply(json_response(200, {{"current", version}, {"previous", prev}}));
}

void App::admin_rollback(Ctx& c) {
  store::ModelRepo models(d_.db);
  auto before = models.current();
  auto restored = models.rollback(d_.clock.now_ns());
  if (!restored) {
    const bool none = restored.error().code == "no_previous_model";
    c.reply(error_response(none ? 409 : 503, restored.error().code, restored.error().message));
    return;
  }
  const std::string prev = before && *before ? (*before)->version : "";
  audit(*c.principal, "rollback_model", *restored, {{"rolled_back", prev}});
  d_.outbox.publish_event("model.promoted", "model", {{"version", *restored}, {"previous", prev}, {"action", "rollback"}});
  c.reply(json_response(200, {{"current", *restored}, {"rolled_back", prev}}));
}

void App::admin_fires(Ctx& c) {
  auto fs = store::FireRepo(d_.db).for_user(c.params["id"], query_int(c.query, "limit", 50, 1, 500));
  if (!fs) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : *fs) arr.push_back(to_json(f));
  c.reply(json_response(200, {{"fires", arr}}));
}

// Every user's fires, newest first (the Throne's feed; live updates arrive as "fire" over /ws).
// ?limit=1..500 (50), ?before=<requested_ns> pages backwards.
void App::admin_recent_fires(Ctx& c) {
  std::optional<int64_t> before;
  if (auto it = c.query.find("before"); it != c.query.end()) {
    try {
      size_t used = 0;
      before = std::stoll(it->second, &used);
      if (used != it->second.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      c.reply(error_response(400, "bad_request", "before must be an integer (requested_ns)"));
      return;
    }
  }
  auto fs = store::FireRepo(d_.db).recent(query_int(c.query, "limit", 50, 1, 500), before);
  if (!fs) {
    c.reply(error_response(503, "store_unavailable"));
    return;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : *fs) {
    auto j = to_json(f);
    j["user_id"] = f.user_id;
    arr.push_back(std::move(j));
  }
  nlohmann::json out = {{"fires", arr}};
  out["next_before"] = fs->empty() ? nlohmann::json(nullptr) : nlohmann::json(fs->back().requested_ns);
  c.reply(json_response(200, out));
}

}  // namespace bitten::webapp

#include "bitten/execution/ea_registry.hpp"

namespace bitten::execution {

const char* to_string(Claim c) {
  switch (c) {
    case Claim::New: return "new";
    case Claim::Refreshed: return "refreshed";
    case Claim::Reconnected: return "reconnected";
    case Claim::Duplicate: return "duplicate";
    case Claim::TakenOver: return "taken_over";
  }
  return "?";
}

Claim EaRegistry::observe(const std::string& uuid, const std::string& identity, const std::string& node_id,
                          bool req_style, int64_t now_ns) {
  auto [it, inserted] = sessions_.try_emplace(uuid);
  EaSession& s = it->second;
  auto take = [&] {
    s.identity = identity;
    s.node_id = node_id;
    s.req_style = req_style;
    s.last_seen_ns = now_ns;
    s.offline_announced = false;
    s.rival_identity.clear();
    s.rival_node_id.clear();
    s.rival_first_ns = 0;
    s.duplicate_confirmed = false;
  };
  if (inserted) {
    s.uuid = uuid;
    s.first_seen_ns = now_ns;
    take();
    return Claim::New;
  }
  const bool nodes_known = !node_id.empty() && !s.node_id.empty();
  const bool same_node = nodes_known ? node_id == s.node_id : identity == s.identity;
  const bool same_rival = !same_node && s.rival_first_ns &&
                          (nodes_known ? node_id == s.rival_node_id : identity == s.rival_identity);
  // The holder went quiet when the rival appeared (and stayed so for the handover time, or past the
  // TTL): a restart, not a second terminal.
  if (same_rival && !s.duplicate_confirmed && s.last_seen_ns <= s.rival_first_ns &&
      (now_ns - s.last_seen_ns >= handover_ns_ || !is_live(s, now_ns))) {
    take();
    return Claim::TakenOver;
  }
  if (!is_live(s, now_ns)) {  // the previous holder went silent: whoever speaks now owns the UUID
    take();
    return Claim::New;
  }
  if (!same_node) {
    if (!same_rival) s.rival_first_ns = now_ns;
    s.rival_identity = identity;
    s.rival_node_id = node_id;
    return Claim::Duplicate;
  }
  if (s.rival_first_ns) s.duplicate_confirmed = true;  // the holder is alive alongside the rival
  if (identity != s.identity) {
    take();
    return Claim::Reconnected;
  }
  s.last_seen_ns = now_ns;
  s.req_style = req_style;
  s.offline_announced = false;
  if (s.node_id.empty()) s.node_id = node_id;
  return Claim::Refreshed;
}

EaSession* EaRegistry::find(const std::string& uuid) {
  auto it = sessions_.find(uuid);
  return it == sessions_.end() ? nullptr : &it->second;
}
const EaSession* EaRegistry::find(const std::string& uuid) const {
  auto it = sessions_.find(uuid);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::vector<EaSession*> EaRegistry::newly_offline(int64_t now_ns) {
  std::vector<EaSession*> out;
  for (auto& [uuid, s] : sessions_) {
    if (!s.offline_announced && !is_live(s, now_ns)) {
      s.offline_announced = true;
      out.push_back(&s);
    }
  }
  return out;
}

size_t EaRegistry::live_count(int64_t now_ns) const {
  size_t n = 0;
  for (const auto& [uuid, s] : sessions_) n += is_live(s, now_ns) ? 1 : 0;
  return n;
}

}  // namespace bitten::execution

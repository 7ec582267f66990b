#include "ws_hub.hpp"

#include <set>

namespace bitten::webapp {

uint64_t WsHub::add(WsClient client) {
  const uint64_t id = next_id_++;
  by_user_.emplace(client.user_id, id);
  ++per_surface_[static_cast<size_t>(client.surface)];
  clients_.emplace(id, std::move(client));
  return id;
}

void WsHub::remove(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  auto range = by_user_.equal_range(it->second.user_id);
  for (auto u = range.first; u != range.second; ++u)
    if (u->second == id) {
      by_user_.erase(u);
      break;
    }
  --per_surface_[static_cast<size_t>(it->second.surface)];
  clients_.erase(it);
}

size_t WsHub::deliver(WsClient& c, const WsPayload& msg) {
  if (c.send && c.send(msg)) return 1;
  ++dropped_;
  return 0;
}

size_t WsHub::broadcast(Surface surface, const WsPayload& msg) {
  size_t n = 0;
  for (auto& [_, c] : clients_)
    if (c.surface == surface) n += deliver(c, msg);
  return n;
}

size_t WsHub::send_to_user(const std::string& user_id, Surface surface, const WsPayload& msg) {
  size_t n = 0;
  auto range = by_user_.equal_range(user_id);
  for (auto it = range.first; it != range.second; ++it) {
    auto& c = clients_.at(it->second);
    if (c.surface == surface) n += deliver(c, msg);
  }
  return n;
}

size_t WsHub::send_to_admins(const WsPayload& msg) {
  size_t n = 0;
  for (auto& [_, c] : clients_)
    if (c.surface == Surface::Throne && c.role == "admin") n += deliver(c, msg);
  return n;
}

size_t WsHub::count(Surface s) const { return per_surface_[static_cast<size_t>(s)]; }

bool WsHub::has_user(const std::string& user_id, Surface s) const {
  auto range = by_user_.equal_range(user_id);
  for (auto it = range.first; it != range.second; ++it)
    if (clients_.at(it->second).surface == s) return true;
  return false;
}

std::vector<std::string> WsHub::users(Surface s) const {
  std::set<std::string> out;
  for (const auto& [_, c] : clients_)
    if (c.surface == s) out.insert(c.user_id);
  return {out.begin(), out.end()};
}

}  // namespace bitten::webapp

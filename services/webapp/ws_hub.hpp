#pragma once
// Who is connected over WebSocket, and who is entitled to which message. Used by the HTTP thread
// only; the transport supplies each client's send function (which queues without blocking).
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http_message.hpp"

namespace bitten::webapp {

using WsPayload = std::shared_ptr<const std::string>;

struct WsClient {
  std::string user_id;
  std::string role;  // "trader" | "admin"
  Surface surface = Surface::Trader;
  // Queues a text frame; false when the client's queue is full (the message is dropped for it).
  std::function<bool(const WsPayload&)> send;
};

class WsHub {
 public:
  uint64_t add(WsClient client);
  void remove(uint64_t id);

  // Every client on a surface (e.g. live signals to every signed-in trader).
  size_t broadcast(Surface surface, const WsPayload& msg);
  // Only this user's clients on this surface (their missions and fires).
  size_t send_to_user(const std::string& user_id, Surface surface, const WsPayload& msg);
  // Every admin on the Throne (fleet-wide fire and health events).
  size_t send_to_admins(const WsPayload& msg);

  size_t size() const { return clients_.size(); }
  size_t count(Surface s) const;
  // Whether the user has a client on the surface.
  bool has_user(const std::string& user_id, Surface s) const;
  // Distinct users connected on a surface.
  std::vector<std::string> users(Surface s) const;
  uint64_t dropped() const { return dropped_; }

 private:
  size_t deliver(WsClient& c, const WsPayload& msg);
  uint64_t next_id_ = 1;
  std::map<uint64_t, WsClient> clients_;
  std::multimap<std::string, uint64_t> by_user_;
  uint64_t dropped_ = 0;
  std::array<size_t, 4> per_surface_{};  // clients per Surface (count() is called on every open/close)
};

}  // namespace bitten::webapp

#pragma once
// The webapp's end of command_router's queue: a PUSH socket owned by the HTTP thread, the only
// thread that ever sends on it. A fire's command leaves in the same call that queued the fire and
// the HTTP reply follows at once, with no hand-off to the ZeroMQ thread and back: that hand-off
// cost two thread wake-ups before the command left and two more before the reply
// (docs/performance.md, fire path). Events still go to the bus through the BusBridge thread.
#include <string>

#include "app.hpp"
#include "bitten/messaging/socket.hpp"
#include "bus_bridge.hpp"

namespace bitten::webapp {

class CommandQueue final : public Outbox {
 public:
  explicit CommandQueue(BusBridge& events);
  // Connects the PUSH socket; call before the HTTP thread starts (the start is the hand-over).
  Status connect(const std::string& endpoint);

  // Outbox, on the HTTP thread. done(sent) runs before send_command returns: true once ZeroMQ has
  // the command, false when it cannot take it now (no router connected, queue full).
  void send_command(std::string topic, std::string payload, std::function<void(bool)> done) override;
  void publish_event(std::string topic, std::string type, nlohmann::json data) override;

 private:
  BusBridge& events_;
  messaging::Socket push_;
};

}  // namespace bitten::webapp

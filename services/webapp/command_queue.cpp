#include "command_queue.hpp"

namespace bitten::webapp {

namespace {

messaging::SocketOptions push_options() {
  messaging::SocketOptions o;
  o.sndhwm = 1000;
  o.linger_ms = 1000;  // queued fire commands get a second to reach the router at shutdown
  return o;
}

}  // namespace

CommandQueue::CommandQueue(BusBridge& events) : events_(events), push_(messaging::SocketType::Push, push_options()) {}

Status CommandQueue::connect(const std::string& endpoint) { return push_.connect(endpoint); }

void CommandQueue::send_command(std::string topic, std::string payload, std::function<void(bool)> done) {
  auto r = push_.send_topic(topic, payload, /*dont_wait=*/true);
  const bool sent = r && *r;
  events_.count_command(sent);
  if (done) done(sent);
}

void CommandQueue::publish_event(std::string topic, std::string type, nlohmann::json data) {
  events_.publish_event(std::move(topic), std::move(type), std::move(data));
}

}  // namespace bitten::webapp

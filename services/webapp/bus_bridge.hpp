#pragma once
// The webapp's ZeroMQ side, on its own thread (the only thread that touches these sockets):
// SUB 5557 (scored signals), SUB 5570 (health, fire, ea, mission, model events), SUB 5560 (ticks
// and EA bars for quotes and charts), PUSH to command_router's queue, PUB to the event bus.
// The HTTP thread hands it commands and events through a locked queue (Outbox); what arrives is
// handed back with the `deliver` callback (which posts onto the HTTP thread).
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "app.hpp"
#include "bitten/core/clock.hpp"
#include "bitten/runtime/health.hpp"
#include "webapp_config.hpp"

namespace bitten::webapp {

class BusBridge final : public Outbox {
 public:
  using Deliver = std::function<void(std::string topic, std::string payload)>;
  using Post = std::function<void(std::function<void()>)>;

  BusBridge(const WebConfig& config, std::string event_bus_endpoint, const Clock& clock, runtime::Health& health,
            int64_t health_interval_ms, Deliver deliver, Post post_to_http);
  ~BusBridge() override;
  BusBridge(const BusBridge&) = delete;
  BusBridge& operator=(const BusBridge&) = delete;

  // Outbox, called on the HTTP thread.
  void send_command(std::string topic, std::string payload, std::function<void(bool)> done) override;
  void publish_event(std::string topic, std::string type, nlohmann::json data) override;

  // The ZeroMQ loop; returns when should_stop() is true. on_ready runs once the sockets exist.
  Status run(const std::function<bool()>& should_stop, const std::function<void()>& on_ready = {});

 private:
  struct Job {
    bool command = false;
    std::string topic;
    std::string payload;     // command
    std::string type;        // event
    nlohmann::json data;     // event
    std::function<void(bool)> done;
  };
  WebConfig config_;
  std::string event_bus_;
  const Clock& clock_;
  runtime::Health& health_;
  int64_t health_interval_ms_;
  Deliver deliver_;
  Post post_;
  void ring();  // wakes the ZeroMQ loop: a queued fire leaves at once, not at the next timer tick
  std::mutex mu_;
  std::deque<Job> jobs_;
  int wake_fd_ = -1;  // eventfd: the HTTP thread writes, the bus thread polls (no socket shared)
};

}  // namespace bitten::webapp

#pragma once
// The webapp's ZeroMQ side, on its own thread (the only thread that touches these sockets):
// SUB 5557 (scored signals), SUB 5570 (health, fire, ea, mission, model events), SUB 5560 (ticks
// and EA bars for quotes and charts), PUB to the event bus. The HTTP thread hands it events through
// a locked queue; what arrives is handed back with the `deliver` callback (which posts onto the
// HTTP thread). EA commands do not pass here: the HTTP thread owns that PUSH (command_queue.hpp).
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "app.hpp"
#include "bitten/core/clock.hpp"
#include "bitten/runtime/health.hpp"
#include "webapp_config.hpp"

namespace bitten::webapp {

class BusBridge final {
 public:
  using Deliver = std::function<void(std::string topic, std::string payload)>;

  BusBridge(const WebConfig& config, std::string event_bus_endpoint, const Clock& clock, runtime::Health& health,
            int64_t health_interval_ms, Deliver deliver);
  ~BusBridge();
  BusBridge(const BusBridge&) = delete;
  BusBridge& operator=(const BusBridge&) = delete;

  // Called on the HTTP thread.
  void publish_event(std::string topic, std::string type, nlohmann::json data);
  // The command queue's outcome per command, reported in this daemon's health (commands_sent,
  // commands_unsent).
  void count_command(bool sent) { (sent ? commands_sent_ : commands_unsent_).fetch_add(1, std::memory_order_relaxed); }

  // The ZeroMQ loop; returns when should_stop() is true. on_ready runs once the sockets exist.
  Status run(const std::function<bool()>& should_stop, const std::function<void()>& on_ready = {});

 private:
  struct Job {
    std::string topic;
    std::string type;
    nlohmann::json data;
  };
  WebConfig config_;
  std::string event_bus_;
  const Clock& clock_;
  runtime::Health& health_;
  int64_t health_interval_ms_;
  Deliver deliver_;
  void ring();  // wakes the ZeroMQ loop: a queued event leaves at once, not at the next timer tick
  std::mutex mu_;
  std::deque<Job> jobs_;
  int wake_fd_ = -1;  // eventfd: the HTTP thread writes, the bus thread polls (no socket shared)
  std::atomic<uint64_t> commands_sent_{0}, commands_unsent_{0};
};

}  // namespace bitten::webapp

#pragma once
// The common frame of every daemon: command line, strict config, logger, stop signals, health
// heartbeat on the event bus, and a clean exit. A daemon's main() calls run_daemon() with a body
// that wires its sockets to its logic class.
#include <functional>
#include <memory>
#include <optional>
#include <spdlog/spdlog.h>
#include <string>

#include "bitten/core/clock.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/runtime/config.hpp"
#include "bitten/runtime/health.hpp"

namespace bitten::runtime {

struct DaemonEnv {
  std::string name;
  std::string config_path;
  ConfigReader config;  // the daemon's own keys; common keys are already consumed
  std::shared_ptr<spdlog::logger> log;
  const Clock& clock;
  Health health;
  std::string event_bus_endpoint;  // XSUB side of event_bus, where daemons publish
  int64_t health_interval_ms = 1000;
  std::string state_dir;           // where databases and models live
  std::string symbols_path;

  // Checks the whole config file (unknown keys, wrong types, every problem at once). The body
  // calls this after reading its own keys; on error run_daemon logs it and exits with status 2.
  Status finish_config() { return config.finish(); }

  // Creates the event publisher and schedules the health heartbeat on the loop.
  EventPublisher& attach_health(messaging::PollLoop& loop);
  EventPublisher* events() { return events_.get(); }

  std::unique_ptr<EventPublisher> events_;
};

// Exit codes: 0 clean stop, 2 bad config or command line, 3 runtime failure (PM2 restarts it).
int run_daemon(int argc, char** argv, const std::string& name, const std::function<Status(DaemonEnv&)>& body);

// Reads "--name value" from argv, else the fallback (for tools and simple flags).
std::optional<std::string> arg_value(int argc, char** argv, const std::string& name);

}  // namespace bitten::runtime

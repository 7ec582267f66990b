#pragma once
// A daemon whose logic has not been wired yet still owns its documented sockets: it binds or
// connects each one from config, drains and counts what arrives, publishes health and stops
// cleanly. Used by the fleet's placeholders until their logic class lands.
#include <string>
#include <vector>

#include "bitten/messaging/socket.hpp"
#include "bitten/runtime/daemon.hpp"

namespace bitten::runtime {

struct PlannedSocket {
  std::string key;                 // config key holding the endpoint, e.g. "pull_bind"
  messaging::SocketType type;
  bool bind;                       // bind (true) or connect (false)
  std::string default_endpoint;
};

Status run_socket_plan(DaemonEnv& env, const std::vector<PlannedSocket>& plan);

}  // namespace bitten::runtime

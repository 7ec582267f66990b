// confirm_listener: turns EA confirmations on PULL 5558 into fire state changes.
// Its logic class is not wired yet: it owns its documented sockets, counts what arrives,
// publishes health on the event bus and stops cleanly.
#include "bitten/runtime/socket_plan.hpp"

using namespace bitten;
using messaging::SocketType;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "confirm_listener", [](runtime::DaemonEnv& env) {
    return runtime::run_socket_plan(env, {
        {"confirm_pull", SocketType::Pull, true, "tcp://*:5558"},
    });
  });
}

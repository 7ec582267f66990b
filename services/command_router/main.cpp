// command_router: routes commands from the IPC queue to EAs over ROUTER 5555.
// Its logic class is not wired yet: it owns its documented sockets, counts what arrives,
// publishes health on the event bus and stops cleanly.
#include "bitten/runtime/socket_plan.hpp"

using namespace bitten;
using messaging::SocketType;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "command_router", [](runtime::DaemonEnv& env) {
    return runtime::run_socket_plan(env, {
        {"queue_pull", SocketType::Pull, true, "ipc:///tmp/bitten_cmdqueue"},
        {"router_bind", SocketType::Router, true, "tcp://*:5555"},
    });
  });
}

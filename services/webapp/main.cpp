// webapp: trader, admin and dashboard web surfaces (SUB 5557, SUB 5570, PUSH IPC queue).
// Its logic class is not wired yet: it owns its documented sockets, counts what arrives,
// publishes health on the event bus and stops cleanly.
#include "bitten/runtime/socket_plan.hpp"

using namespace bitten;
using messaging::SocketType;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "webapp", [](runtime::DaemonEnv& env) {
    return runtime::run_socket_plan(env, {
        {"signals_sub", SocketType::Sub, false, "tcp://127.0.0.1:5557"},
        {"events_sub", SocketType::Sub, false, "tcp://127.0.0.1:5570"},
        {"command_push", SocketType::Push, false, "ipc:///tmp/bitten_cmdqueue"},
    });
  });
}

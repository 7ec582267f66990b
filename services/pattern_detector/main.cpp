// pattern_detector: technical patterns (SUB 5560 ticks and bars, PUSH 5559 candidate signals).
// Its logic class is not wired yet: it owns its documented sockets, counts what arrives,
// publishes health on the event bus and stops cleanly.
#include "bitten/runtime/socket_plan.hpp"

using namespace bitten;
using messaging::SocketType;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "pattern_detector", [](runtime::DaemonEnv& env) {
    return runtime::run_socket_plan(env, {
        {"market_sub", SocketType::Sub, false, "tcp://127.0.0.1:5560"},
        {"candidates_push", SocketType::Push, false, "tcp://127.0.0.1:5559"},
    });
  });
}

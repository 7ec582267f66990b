// ml_filter: scores candidates (PULL 5559) and publishes every scored signal (PUB 5557).
// Its logic class is not wired yet: it owns its documented sockets, counts what arrives,
// publishes health on the event bus and stops cleanly.
#include "bitten/runtime/socket_plan.hpp"

using namespace bitten;
using messaging::SocketType;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "ml_filter", [](runtime::DaemonEnv& env) {
    return runtime::run_socket_plan(env, {
        {"candidates_pull", SocketType::Pull, true, "tcp://*:5559"},
        {"signals_pub", SocketType::Pub, true, "tcp://*:5557"},
    });
  });
}

// event_bus: XSUB (daemons publish) <-> XPUB (webapp and tests subscribe). A forwarding loop
// rather than zmq_proxy so that it can stop on SIGTERM, count what passes and publish its health.
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/runtime/daemon.hpp"
#include "bitten/runtime/stop_signal.hpp"

using namespace bitten;

int main(int argc, char** argv) {
  return runtime::run_daemon(argc, argv, "event_bus", [](runtime::DaemonEnv& env) -> Status {
    const auto xsub_ep = env.config.get<std::string>("xsub_bind", "tcp://127.0.0.1:5571");
    const auto xpub_ep = env.config.get<std::string>("xpub_bind", "tcp://127.0.0.1:5570");
    const int hwm = env.config.get<int>("hwm", 100000);
    if (auto st = env.finish_config(); !st) return st;

    messaging::SocketOptions o;
    o.sndhwm = o.rcvhwm = hwm;  // a slow subscriber loses events beyond this (counted by seq gaps)
    o.linger_ms = 200;
    messaging::Socket xsub(messaging::SocketType::XSub, o), xpub(messaging::SocketType::XPub, o);
    if (auto st = xsub.bind(xsub_ep); !st) return make_error("bad_config", st.error().message);
    if (auto st = xpub.bind(xpub_ep); !st) return make_error("bad_config", st.error().message);

    uint64_t& forwarded = env.health.counter("events_forwarded");
    uint64_t& dropped = env.health.counter("events_dropped_hwm");
    uint64_t& subs = env.health.counter("subscription_changes");
    messaging::PollLoop loop;
    loop.add(xsub, [&](messaging::Frames& f) {
      auto r = xpub.send(f, true);
      if (r && *r) ++forwarded; else ++dropped;
    }, 1024);
    loop.add(xpub, [&](messaging::Frames& f) {
      ++subs;
      (void)xsub.send(f, true);
    });
    env.attach_health(loop);
    env.log->info("forwarding {} -> {}", xsub_ep, xpub_ep);
    loop.run(runtime::stop_requested);
    return ok_status();
  });
}

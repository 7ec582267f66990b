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
    // A subscriber that falls `hwm` events behind loses the newer ones until it catches up (the others
    // are not slowed): each such episode is counted here (subscriber_hwm_drops) and logged; the events
    // it lost are visible to that subscriber as gaps in `seq`.
    o.sndhwm = o.rcvhwm = hwm;
    o.linger_ms = 200;
    messaging::Socket xsub(messaging::SocketType::XSub, o), xpub(messaging::SocketType::XPub, o);
    if (auto st = xsub.bind(xsub_ep); !st) return make_error("bad_config", st.error().message);
    if (auto st = xpub.bind(xpub_ep); !st) return make_error("bad_config", st.error().message);

    uint64_t& forwarded = env.health.counter("events_forwarded");
    // Times a subscriber reached its HWM and began losing events (the others kept getting them).
    uint64_t& dropped = env.health.counter("subscriber_hwm_drops");
    uint64_t& failed = env.health.counter("publish_failed");
    uint64_t& subs = env.health.counter("subscription_changes");
    uint64_t last_dropped = 0;
    messaging::PollLoop loop;
    loop.add(xsub, [&](messaging::Frames& f) {
      auto r = xpub.fanout(f);
      if (!r) {
        ++failed;
        return;
      }
      ++forwarded;
      if (*r) ++dropped;
    }, 1024);
    // One line per second at most while a subscriber is losing events: loud, but not a flood.
    loop.every(std::chrono::seconds(1), [&] {
      if (dropped == last_dropped) return;
      env.log->warn("a slow subscriber reached its high-water mark ({} events) and loses newer events until it "
                    "catches up ({} such episodes in the last second, {} in total); the other subscribers are served",
                    hwm, dropped - last_dropped, dropped);
      last_dropped = dropped;
    });
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

#include "bridge_loop.hpp"

#include "bitten/messaging/poll_loop.hpp"
#include "bridge.hpp"

namespace bitten::bridge {

Status run_bridge_loop(const BridgeConfig& cfg, const SymbolTable& symbols, runtime::Health& health,
                       const Clock& clock, const std::function<bool()>& should_stop, runtime::EventPublisher* events,
                       int64_t health_interval_ms, const std::function<void()>& on_ready) {
  messaging::SocketOptions in_opt;
  in_opt.rcvhwm = cfg.pull_rcvhwm;
  in_opt.max_msg_size = 16 << 20;  // far above any sane message: the logic counts oversize ones
  in_opt.linger_ms = 0;
  messaging::SocketOptions out_opt;
  out_opt.sndhwm = cfg.pub_sndhwm;
  out_opt.linger_ms = 500;
  messaging::Socket pull(messaging::SocketType::Pull, in_opt), pub(messaging::SocketType::Pub, out_opt);
  if (auto st = pull.bind(cfg.pull_bind); !st) return make_error("bad_config", st.error().message);
  if (auto st = pub.bind(cfg.pub_bind); !st) return make_error("bad_config", st.error().message);

  TelemetryBridge logic(cfg, symbols, health);
  std::vector<Outbound> out;
  out.reserve(16);
  uint64_t& pub_failed = health.counter("publish_failed");
  auto flush = [&] {
    for (auto& o : out) {
      auto r = pub.send_topic(o.topic, o.payload, true);
      if (!r || !*r) ++pub_failed;
    }
    out.clear();
  };
  messaging::PollLoop loop(clock);
  loop.add(pull, [&](messaging::Frames& frames) {
    logic.on_message(frames, clock.now_ns(), out);
    flush();
  }, 1024);
  loop.every(std::chrono::seconds(1), [&] {
    logic.on_timer(clock.now_ns(), out);
    flush();
  });
  if (events) {
    loop.every(std::chrono::milliseconds(health_interval_ms),
               [&] { events->publish_health(health, health_interval_ms); });
  }
  if (on_ready) on_ready();
  loop.run(should_stop);
  return ok_status();
}

}  // namespace bitten::bridge

#include "bitten/detector/detector_loop.hpp"

#include "bitten/detector/detector.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/schema/topics.hpp"

namespace bitten::detector {

Status run_detector_loop(const DetectorConfig& cfg, const SymbolTable& symbols, runtime::Health& health,
                         const Clock& clock, const std::function<bool()>& should_stop,
                         runtime::EventPublisher* events, int64_t health_interval_ms,
                         const std::function<void()>& on_ready) {
  messaging::SocketOptions in_opt;
  in_opt.rcvhwm = cfg.sub_rcvhwm;
  in_opt.linger_ms = 0;
  messaging::SocketOptions out_opt;
  out_opt.sndhwm = cfg.push_sndhwm;
  out_opt.linger_ms = 1000;  // candidates queued at shutdown get a chance to leave
  messaging::Socket sub(messaging::SocketType::Sub, in_opt), push(messaging::SocketType::Push, out_opt);
  if (auto st = sub.connect(cfg.market_sub); !st) return make_error("bad_config", st.error().message);
  sub.subscribe(schema::topic::kTickPrefix);
  sub.subscribe(schema::topic::kBarPrefix);
  if (auto st = push.connect(cfg.candidates_push); !st) return make_error("bad_config", st.error().message);

  Detector logic(cfg.engine, symbols, health);
  std::vector<Outbound> out;
  out.reserve(8);
  uint64_t& push_failed = health.counter("dropped_push_full");
  messaging::PollLoop loop(clock);
  loop.add(sub, [&](messaging::Frames& frames) {
    logic.on_message(frames, clock.now_ns(), out);
    for (auto& o : out) {
      // Never block the market feed: with ml_filter away the PUSH queue (push_sndhwm) buffers,
      // beyond it the candidate is counted as dropped.
      auto r = push.send_topic(o.topic, o.payload, true);
      if (!r || !*r) ++push_failed;
    }
    out.clear();
  }, 1024);
  loop.every(std::chrono::milliseconds(health_interval_ms), [&] {
    logic.sync_health();
    if (events) events->publish_health(health, health_interval_ms);
  });
  if (on_ready) on_ready();
  loop.run(should_stop);
  logic.sync_health();
  return ok_status();
}

}  // namespace bitten::detector

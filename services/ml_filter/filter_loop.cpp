#include "filter_loop.hpp"

#include "bitten/messaging/poll_loop.hpp"
#include "ml_filter.hpp"

namespace bitten::mlfilter {

Status run_filter_loop(const FilterConfig& cfg, runtime::Health& health, const Clock& clock,
                       const std::function<bool()>& should_stop, ModelHost* host, runtime::EventPublisher* events,
                       int64_t health_interval_ms, const std::function<void()>& on_ready) {
  messaging::SocketOptions in_opt;
  in_opt.rcvhwm = cfg.pull_rcvhwm;
  in_opt.linger_ms = 0;
  messaging::SocketOptions out_opt;
  out_opt.sndhwm = cfg.pub_sndhwm;
  out_opt.linger_ms = 500;
  messaging::Socket pull(messaging::SocketType::Pull, in_opt), pub(messaging::SocketType::Pub, out_opt);
  if (auto st = pull.bind(cfg.candidates_pull); !st) return make_error("bad_config", st.error().message);
  if (auto st = pub.bind(cfg.signals_pub); !st) return make_error("bad_config", st.error().message);

  MlFilter logic(cfg, health);
  uint64_t& pub_failed = health.counter("publish_failed");
  uint64_t& refused = health.counter("model_refused");
  uint64_t& registry_errors = health.counter("model_registry_errors");
  std::vector<Outbound> out;
  out.reserve(4);

  auto apply_updates = [&] {
    if (!host || !host->has_updates()) return;
    for (auto& u : host->take_updates()) {
      switch (u.kind) {
        case ModelUpdate::Kind::Loaded:
          host->release(logic.set_model(u.model));
          break;
        case ModelUpdate::Kind::Refused: ++refused; break;
        case ModelUpdate::Kind::RegistryError: ++registry_errors; break;
      }
    }
  };

  messaging::PollLoop loop(clock);
  loop.add(pull, [&](messaging::Frames& frames) {
    apply_updates();
    logic.on_message(frames, clock.now_ns(), out);
    for (auto& o : out) {
      auto r = pub.send_topic(o.topic, o.payload, true);
      if (!r || !*r) ++pub_failed;
    }
    out.clear();
  });
  loop.every(std::chrono::milliseconds(20), apply_updates);
  if (events) {
    loop.every(std::chrono::milliseconds(health_interval_ms), [&] {
      logic.export_gauges();
      events->publish_health(health, health_interval_ms);
    });
  }
  if (on_ready) on_ready();
  loop.run(should_stop);
  if (host) host->release(logic.set_model(nullptr));
  return ok_status();
}

}  // namespace bitten::mlfilter

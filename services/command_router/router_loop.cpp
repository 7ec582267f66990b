#include "router_loop.hpp"

#include "bitten/messaging/poll_loop.hpp"

namespace bitten::execution {

Status run_router_loop(const RouterConfig& cfg, const RouterOptions& options, RouterLoopDeps deps,
                       const std::function<bool()>& should_stop, const std::function<void()>& on_ready) {
  messaging::SocketOptions q_opt;
  q_opt.rcvhwm = cfg.queue_rcvhwm;
  q_opt.linger_ms = 0;
  q_opt.max_msg_size = 1 << 20;
  messaging::SocketOptions r_opt;
  r_opt.router_mandatory = true;  // a send to a vanished EA fails instead of vanishing
  r_opt.sndhwm = cfg.router_sndhwm;
  r_opt.rcvhwm = 100'000;
  r_opt.linger_ms = 0;
  r_opt.max_msg_size = 1 << 20;   // bigger frames cost the peer its connection
  r_opt.sndtimeo_ms = 0;
  messaging::Socket queue(messaging::SocketType::Pull, q_opt), router(messaging::SocketType::Router, r_opt);
  if (auto st = queue.bind(cfg.queue_pull); !st) return make_error("bad_config", cfg.queue_pull + ": " + st.error().message);
  if (auto st = router.bind(cfg.router_bind); !st)
    return make_error("bad_config", cfg.router_bind + ": " + st.error().message);

  CommandRouter logic(deps.db, deps.symbols, options, deps.health);
  RouterOutput out, after;
  const Clock& clock = deps.clock;
  auto flush = [&] {
    // Sends first (their results add events), then every event in order.
    while (!out.sends.empty()) {
      after.clear();
      for (const auto& s : out.sends) {
        messaging::Frames f = s.req_style ? messaging::Frames{s.identity, "", s.payload}
                                          : messaging::Frames{s.identity, s.payload};
        auto r = router.send(f, true);
        logic.on_send_result(s, r.ok() && *r, clock.now_ns(), after);
      }
      out.sends.clear();
      for (auto& e : after.events) out.events.push_back(std::move(e));
    }
    if (deps.sink)
      for (const auto& e : out.events) deps.sink(e);
    out.clear();
  };
  messaging::PollLoop loop(clock);
  loop.add(router, [&](messaging::Frames& frames) {
    logic.on_ea_frames(frames, clock.now_ns(), out);
    flush();
  }, 512);
  loop.add(queue, [&](messaging::Frames& frames) {
    logic.on_queue_frames(frames, clock.now_ns(), out);
    flush();
  }, 512);
  loop.every(std::chrono::seconds(1), [&] {
    logic.on_timer(clock.now_ns(), out);
    flush();
  });
  if (deps.health_pub) {
    loop.every(std::chrono::milliseconds(deps.health_interval_ms),
               [&] { deps.health_pub->publish_health(deps.health, deps.health_interval_ms); });
  }
  if (on_ready) on_ready();
  loop.run(should_stop);
  return ok_status();
}

}  // namespace bitten::execution

#include "listener_loop.hpp"

#include <optional>

#include "bitten/messaging/poll_loop.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"

namespace bitten::execution {

Status run_listener_loop(const ListenerConfig& cfg, ListenerLoopDeps deps, const std::function<bool()>& should_stop,
                         const std::function<void()>& on_ready) {
  messaging::SocketOptions in_opt;
  in_opt.rcvhwm = cfg.pull_rcvhwm;
  in_opt.linger_ms = 0;
  in_opt.max_msg_size = 1 << 20;
  messaging::Socket pull(messaging::SocketType::Pull, in_opt);
  if (auto st = pull.bind(cfg.confirm_pull); !st)
    return make_error("bad_config", cfg.confirm_pull + ": " + st.error().message);
  std::optional<messaging::Socket> market;
  if (!cfg.market_sub.empty()) {
    messaging::SocketOptions s_opt;
    s_opt.rcvhwm = 100'000;
    s_opt.linger_ms = 0;
    market.emplace(messaging::SocketType::Sub, s_opt);
    if (auto st = market->connect(cfg.market_sub); !st)
      return make_error("bad_config", cfg.market_sub + ": " + st.error().message);
    market->subscribe("tick.");
  }

  ListenerOptions opt;
  opt.confirm_timeout_ns = cfg.confirm_timeout_s * kNsPerSec;
  opt.queued_timeout_ns = cfg.queued_timeout_s * kNsPerSec;
  opt.quote_max_age_ns = cfg.quote_max_age_s * kNsPerSec;
  opt.max_message_bytes = static_cast<size_t>(cfg.max_message_bytes);
  ConfirmListener logic(deps.db, deps.symbols, opt, deps.health);
  Events out;
  const Clock& clock = deps.clock;
  auto flush = [&] {
    if (deps.sink)
      for (const auto& e : out) deps.sink(e);
    out.clear();
  };
  messaging::PollLoop loop(clock);
  loop.add(pull, [&](messaging::Frames& frames) {
    logic.on_frames(frames, clock.now_ns(), out);
    flush();
  }, 512);
  if (market) {
    loop.add(*market, [&](messaging::Frames& frames) {
      if (frames.size() != 2) return;
      auto env = schema::decode_envelope(frames[1]);
      if (!env) return;
      auto t = schema::tick_from_json(env->data);
      if (t) logic.on_quote(t->symbol, t->bid, t->ask, t->time_ns);
    }, 1024);
  }
  loop.every(std::chrono::milliseconds(cfg.sweep_interval_ms), [&] {
    logic.sweep(clock.now_ns(), out);
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

#include "tracker_loop.hpp"

#include "bitten/messaging/poll_loop.hpp"
#include "bitten/schema/topics.hpp"
#include "outcome_tracker.hpp"

namespace bitten::outcomes {

Status run_tracker_loop(const TrackerConfig& cfg, const SymbolTable& symbols, store::Database& db,
                        runtime::Health& health, const Clock& clock, const std::function<bool()>& should_stop,
                        runtime::EventPublisher* events, int64_t health_interval_ms,
                        const std::function<void()>& on_ready) {
  OutcomeTracker logic(cfg, symbols, db, health);
  std::vector<Event> out;
  auto flush = [&] {
    if (events)
      for (auto& e : out) events->publish(e.topic, e.type, std::move(e.data));
    out.clear();
  };
  if (auto st = logic.restore(out); !st) return st;
  flush();

  messaging::SocketOptions opt;
  opt.rcvhwm = cfg.sub_rcvhwm;
  opt.linger_ms = 0;
  messaging::Socket ticks(messaging::SocketType::Sub, opt), signals(messaging::SocketType::Sub, opt);
  if (auto st = ticks.connect(cfg.market_sub); !st) return make_error("bad_config", st.error().message);
  if (auto st = signals.connect(cfg.signals_sub); !st) return make_error("bad_config", st.error().message);
  ticks.subscribe(schema::topic::kTickPrefix);
  signals.subscribe(schema::topic::kSignalPrefix);

  messaging::PollLoop loop(clock);
  // A signal may arrive after ticks past its start: the tracker replays its recent-tick buffer.
  loop.add(signals, [&](messaging::Frames& f) {
    logic.on_signal_message(f, out);
    flush();
  });
  loop.add(ticks, [&](messaging::Frames& f) {
    logic.on_tick_message(f, out);
    flush();
  }, 1024);
  loop.every(std::chrono::milliseconds(std::min<int64_t>(cfg.fire_poll_ms, 250)), [&] {
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

}  // namespace bitten::outcomes

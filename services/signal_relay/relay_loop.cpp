#include "relay_loop.hpp"

#include <optional>

#include "bitten/execution/quote_book.hpp"
#include "bitten/messaging/poll_loop.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"

namespace bitten::execution {

Status run_relay_loop(const RelayConfig& cfg, RelayLoopDeps deps, const std::function<bool()>& should_stop,
                      const std::function<void()>& on_ready) {
  messaging::SocketOptions sub_opt;
  sub_opt.rcvhwm = 100'000;
  sub_opt.linger_ms = 0;
  messaging::Socket signals(messaging::SocketType::Sub, sub_opt);
  if (auto st = signals.connect(cfg.signals_sub); !st)
    return make_error("bad_config", cfg.signals_sub + ": " + st.error().message);
  signals.subscribe("signal.");
  std::optional<messaging::Socket> market;
  if (!cfg.market_sub.empty()) {
    market.emplace(messaging::SocketType::Sub, sub_opt);
    if (auto st = market->connect(cfg.market_sub); !st)
      return make_error("bad_config", cfg.market_sub + ": " + st.error().message);
    market->subscribe("tick.");
  }
  messaging::SocketOptions push_opt;
  push_opt.sndhwm = 10'000;
  push_opt.linger_ms = 1000;  // queued auto-fire commands get a second to reach the router at exit
  messaging::Socket commands(messaging::SocketType::Push, push_opt);
  if (auto st = commands.connect(cfg.command_push); !st)
    return make_error("bad_config", cfg.command_push + ": " + st.error().message);

  RelayOptions opt;
  opt.auto_fire = cfg.auto_fire;
  opt.mission_url_template = cfg.mission_url_template;
  SignalRelay logic(deps.db, deps.risk, deps.symbols, deps.ids, opt, deps.health);
  QuoteBook quotes;
  const risk::QuoteSource quote_source = quotes.source();
  RelayOutput out, after;
  const Clock& clock = deps.clock;
  auto flush = [&] {
    for (const auto& c : out.commands) {
      auto r = commands.send_topic(c.topic, c.payload, /*dont_wait=*/true);
      if (!r || !*r) logic.on_command_push_failed(c, clock.now_ns(), after);
    }
    for (auto& e : after.events) out.events.push_back(std::move(e));
    after.clear();
    if (deps.sink)
      for (const auto& e : out.events) deps.sink(e);
    if (deps.telegram)
      for (auto& n : out.notifications) deps.telegram->enqueue(std::move(n));
    out.clear();
  };
  messaging::PollLoop loop(clock);
  if (market) {
    // Ticks first: a signal's preview should see the freshest quote that has arrived.
    loop.add(*market, [&](messaging::Frames& frames) {
      if (frames.size() != 2) return;
      auto env = schema::decode_envelope(frames[1]);
      if (!env) return;
      auto t = schema::tick_from_json(env->data);
      // Stamped when it arrived: the risk engine's quote-age rule is about freshness here and now,
      // and a replayed tick's event time may be days from our clock.
      if (t) quotes.update(t->symbol, t->bid, t->ask, clock.now_ns(), t->time_ns);
    }, 4096);
  }
  loop.add(signals, [&](messaging::Frames& frames) {
    logic.on_frames(frames, clock.now_ns(), quote_source, out);
    flush();
  }, 64);
  loop.every(std::chrono::seconds(1), [&] {
    logic.on_timer(clock.now_ns(), quote_source, out);  // signals the database refused earlier
    flush();
    if (!deps.telegram) return;
    auto s = deps.telegram->stats();
    deps.health.gauge("telegram_sent", static_cast<double>(s.sent));
    deps.health.gauge("telegram_attempts_failed", static_cast<double>(s.attempts_failed));
    deps.health.gauge("telegram_gave_up", static_cast<double>(s.gave_up));
    deps.health.gauge("telegram_dropped", static_cast<double>(s.dropped));
    deps.health.gauge("telegram_queued", static_cast<double>(s.queued));
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

#include "bus_bridge.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include "bitten/messaging/poll_loop.hpp"
#include "bitten/messaging/socket.hpp"

namespace bitten::webapp {

BusBridge::BusBridge(const WebConfig& config, std::string event_bus_endpoint, const Clock& clock,
                     runtime::Health& health, int64_t health_interval_ms, Deliver deliver)
    : config_(config),
      event_bus_(std::move(event_bus_endpoint)),
      clock_(clock),
      health_(health),
      health_interval_ms_(health_interval_ms),
      deliver_(std::move(deliver)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

BusBridge::~BusBridge() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void BusBridge::ring() {
  if (wake_fd_ < 0) return;  // no eventfd: the 5 ms timer still drains the queue
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);  // EAGAIN only at 2^64-2 unread rings
}

void BusBridge::publish_event(std::string topic, std::string type, nlohmann::json data) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{std::move(topic), std::move(type), std::move(data)});
  }
  ring();
}

Status BusBridge::run(const std::function<bool()>& should_stop, const std::function<void()>& on_ready) {
  using messaging::Socket;
  using messaging::SocketType;
  messaging::SocketOptions sub_opt;
  sub_opt.rcvhwm = 100'000;
  sub_opt.linger_ms = 0;
  Socket signals(SocketType::Sub, sub_opt), events(SocketType::Sub, sub_opt), market(SocketType::Sub, sub_opt);
  for (auto [sock, ep] : {std::pair{&signals, config_.signals_sub}, std::pair{&events, config_.events_sub},
                          std::pair{&market, config_.market_sub}}) {
    if (auto st = sock->connect(ep); !st) return make_error("bad_config", ep + ": " + st.error().message);
  }
  signals.subscribe("signal.");
  for (const char* p : {"health.", "fire.", "ea.", "mission.", "model."}) events.subscribe(p);
  market.subscribe("tick.");
  market.subscribe("bar.M1.");
  runtime::EventPublisher publisher(health_.daemon(), event_bus_, clock_);

  uint64_t& in_signals = health_.counter("signals_in");
  uint64_t& in_events = health_.counter("events_in");
  uint64_t& in_market = health_.counter("market_in");
  uint64_t& cmd_sent = health_.counter("commands_sent");
  uint64_t& cmd_unsent = health_.counter("commands_unsent");
  uint64_t& ev_out = health_.counter("events_published");
  auto forward = [this](uint64_t& counter) {
    return [this, &counter](messaging::Frames& f) {
      if (f.size() < 2) return;
      ++counter;
      deliver_(std::move(f[0]), std::move(f[1]));
    };
  };
  messaging::PollLoop loop(clock_);
  loop.add(signals, forward(in_signals));
  loop.add(events, forward(in_events));
  loop.add(market, forward(in_market), 1024);
  // The HTTP thread's events: drained as soon as the HTTP thread rings, and every 20 ms as a backstop.
  auto drain = [&] {
    std::deque<Job> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(jobs_);
    }
    for (auto& j : batch) {
      publisher.publish(j.topic, j.type, std::move(j.data));
      ++ev_out;
    }
  };
  if (wake_fd_ >= 0)
    loop.add_fd(wake_fd_, [&] {
      uint64_t rings = 0;
      (void)!::read(wake_fd_, &rings, sizeof rings);
      drain();
    });
  loop.every(std::chrono::milliseconds(20), drain);
  loop.every(std::chrono::milliseconds(health_interval_ms_), [&] {
    cmd_sent = commands_sent_.load(std::memory_order_relaxed);
    cmd_unsent = commands_unsent_.load(std::memory_order_relaxed);
    publisher.publish_health(health_, health_interval_ms_);
  });
  if (on_ready) on_ready();
  loop.run(should_stop, 20);
  return ok_status();
}

}  // namespace bitten::webapp

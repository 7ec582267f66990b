#include "bitten/runtime/health.hpp"

#include <unistd.h>

#include "bitten/schema/topics.hpp"

namespace bitten::runtime {

Health::Health(std::string daemon, const Clock& clock)
    : daemon_(std::move(daemon)), clock_(clock), started_ns_(clock.now_ns()), started_mono_(clock.mono_ns()) {}

schema::HealthMsg Health::snapshot(int64_t interval_ms) const {
  schema::HealthMsg m;
  m.daemon = daemon_;
  m.pid = static_cast<int64_t>(::getpid());
  m.started_ns = started_ns_;
  m.uptime_s = static_cast<double>(clock_.mono_ns() - started_mono_) / 1e9;
  m.status = status_;
  m.interval_ms = interval_ms;
  m.counters = counters_;
  m.gauges = gauges_;
  return m;
}

namespace {
messaging::SocketOptions event_socket_options() {
  messaging::SocketOptions o;
  o.sndhwm = 10'000;  // events are small and rare; beyond this the bus is down and we drop
  o.linger_ms = 200;  // give the last events a moment to leave on shutdown
  return o;
}
}  // namespace

EventPublisher::EventPublisher(const std::string& daemon, const std::string& endpoint, const Clock& clock)
    : socket_(messaging::SocketType::Pub, event_socket_options()), writer_(daemon), clock_(clock) {
  (void)socket_.connect(endpoint);
}

void EventPublisher::publish(const std::string& topic, const std::string& type, nlohmann::json data) {
  (void)socket_.send_topic(topic, writer_.encode(type, clock_.now_ns(), std::move(data)), true);
}

void EventPublisher::publish_health(const Health& h, int64_t interval_ms) {
  publish(schema::topic::health(h.daemon()), schema::HealthMsg::kType, schema::to_json(h.snapshot(interval_ms)));
}

}  // namespace bitten::runtime

#pragma once
// A daemon's counters and gauges, and their periodic publication on the event bus.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bitten/core/clock.hpp"
#include "bitten/messaging/socket.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/health.hpp"

namespace bitten::runtime {

// Counters are plain integers owned by the daemon's loop thread. counter() returns a reference
// that stays valid for the life of the object, so hot paths increment without a map lookup.
class Health {
 public:
  Health(std::string daemon, const Clock& clock);
  uint64_t& counter(const std::string& name) { return counters_[name]; }
  void add(const std::string& name, uint64_t n = 1) { counters_[name] += n; }
  void gauge(const std::string& name, double value) { gauges_[name] = value; }
  void set_status(std::string status) { status_ = std::move(status); }
  uint64_t get(const std::string& name) const {
    auto it = counters_.find(name);
    return it == counters_.end() ? 0 : it->second;
  }
  schema::HealthMsg snapshot(int64_t interval_ms) const;
  const std::string& daemon() const { return daemon_; }

 private:
  std::string daemon_;
  const Clock& clock_;
  int64_t started_ns_;
  int64_t started_mono_;
  std::string status_ = "ok";
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, double> gauges_;
};

// Publishes events (health and others) to the event bus's XSUB side. One per daemon thread.
class EventPublisher {
 public:
  EventPublisher(const std::string& daemon, const std::string& endpoint, const Clock& clock);
  void publish(const std::string& topic, const std::string& type, nlohmann::json data);
  void publish_health(const Health& h, int64_t interval_ms);
  messaging::Socket& socket() { return socket_; }

 private:
  messaging::Socket socket_;
  schema::EnvelopeWriter writer_;
  const Clock& clock_;
};

}  // namespace bitten::runtime

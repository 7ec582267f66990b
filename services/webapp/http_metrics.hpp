#pragma once
// The webapp's own metrics: requests by surface, route pattern and status; a latency histogram
// per route; WebSocket clients and messages. Owned by the HTTP thread.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace bitten::webapp {

class HttpMetrics {
 public:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

  void record(const std::string& surface, const std::string& route, int status, double seconds);
  void ws_clients(const std::string& surface, int64_t n) { ws_clients_[surface] = n; }
  void ws_sent(uint64_t n = 1) { ws_sent_ += n; }
  // The hub counts what it drops for slow clients; the metric reports its running total.
  void set_ws_dropped_total(uint64_t total) { ws_dropped_ = total; }
  void count(const std::string& name, uint64_t n = 1) { counters_[name] += n; }
  uint64_t requests_total() const;
  void append(std::string& out) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::map<std::string, int64_t> ws_clients_;
  std::map<std::string, uint64_t> counters_;
  uint64_t ws_sent_ = 0, ws_dropped_ = 0;
};

}  // namespace bitten::webapp

#pragma once
// The fleet's health as the webapp sees it on the event bus: the last heartbeat of every daemon,
// judged stale when older than 3x its own interval_ms, missing when never heard. Feeds /healthz
// (503 unless every expected daemon is fresh) and /metrics.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bitten/schema/health.hpp"

namespace bitten::webapp {

class HealthAggregator {
 public:
  explicit HealthAggregator(std::vector<std::string> expected, double stale_factor = 3.0)
      : expected_(std::move(expected)), stale_factor_(stale_factor) {}

  void on_heartbeat(schema::HealthMsg msg, int64_t received_mono_ns);

  struct DaemonView {
    std::string name;
    bool expected = false;
    bool seen = false;
    std::string status;  // "ok" | "degraded" | "stale" | "missing"
    double age_s = -1;   // since the last heartbeat; -1 when never seen
    int64_t interval_ms = 0;
    double uptime_s = 0;
    int64_t pid = 0;
  };
  std::vector<DaemonView> view(int64_t now_mono_ns) const;
  // True when every expected daemon has a fresh heartbeat.
  bool all_fresh(int64_t now_mono_ns) const;
  nlohmann::json daemons_json(int64_t now_mono_ns) const;
  // bitten_counter / bitten_gauge / bitten_daemon_* lines in Prometheus text format.
  void append_metrics(std::string& out, int64_t now_mono_ns) const;
  const std::vector<std::string>& expected() const { return expected_; }

 private:
  struct Entry {
    schema::HealthMsg msg;
    int64_t received_mono_ns = 0;
  };
  std::vector<std::string> expected_;
  double stale_factor_;
  std::map<std::string, Entry> last_;
};

// Prometheus label value escaping (backslash, quote, newline).
std::string prom_escape(std::string_view v);

}  // namespace bitten::webapp

#pragma once
// health.<daemon>: every daemon's heartbeat on the event bus, with its counters. The webapp's
// /healthz and /metrics are built from these.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct HealthMsg {
  static constexpr const char* kType = "health";
  std::string daemon;
  int64_t pid = 0;
  int64_t started_ns = 0;
  double uptime_s = 0;
  std::string status;  // "ok" | "degraded"
  int64_t interval_ms = 0;  // the period of these heartbeats; staleness is judged against it
  std::map<std::string, uint64_t> counters;  // monotonic counts since start
  std::map<std::string, double> gauges;      // current values (queue depths, EAs online, latency)

  bool operator==(const HealthMsg&) const = default;
};

nlohmann::json to_json(const HealthMsg& m);
Result<HealthMsg> health_from_json(const nlohmann::json& data);

}  // namespace bitten::schema

#include "http_metrics.hpp"

#include <cstdio>

#include "health_aggregator.hpp"

namespace bitten::webapp {

void HttpMetrics::record(const std::string& surface, const std::string& route, int status, double seconds) {
  ++requests_[{surface, route, status}];
  auto& h = latency_[{surface, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

uint64_t HttpMetrics::requests_total() const {
  uint64_t n = 0;
  for (const auto& [_, v] : requests_) n += v;
  return n;
}

void HttpMetrics::append(std::string& out) const {
  char buf[64];
  out += "# HELP bitten_http_requests_total HTTP requests served by the webapp.\n# TYPE bitten_http_requests_total counter\n";
  for (const auto& [k, v] : requests_) {
    const auto& [surface, route, status] = k;
    out += "bitten_http_requests_total{surface=\"" + surface + "\",route=\"" + prom_escape(route) + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(v) + "\n";
  }
  out += "# HELP bitten_http_request_duration_seconds Time to build the response.\n"
         "# TYPE bitten_http_request_duration_seconds histogram\n";
  for (const auto& [k, h] : latency_) {
    const std::string labels = "surface=\"" + k.first + "\",route=\"" + prom_escape(k.second) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
      out += "bitten_http_request_duration_seconds_bucket{" + labels + ",le=\"" + buf + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "bitten_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    std::snprintf(buf, sizeof buf, "%.9g", h.sum);
    out += "bitten_http_request_duration_seconds_sum{" + labels + "} " + buf + "\n";
    out += "bitten_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP bitten_ws_clients Open WebSocket connections.\n# TYPE bitten_ws_clients gauge\n";
  for (const auto& [s, n] : ws_clients_) out += "bitten_ws_clients{surface=\"" + s + "\"} " + std::to_string(n) + "\n";
  out += "# HELP bitten_ws_messages_sent_total WebSocket messages queued to clients.\n"
         "# TYPE bitten_ws_messages_sent_total counter\nbitten_ws_messages_sent_total " +
         std::to_string(ws_sent_) + "\n";
  out += "# HELP bitten_ws_messages_dropped_total Messages dropped for clients too slow to keep up.\n"
         "# TYPE bitten_ws_messages_dropped_total counter\nbitten_ws_messages_dropped_total " +
         std::to_string(ws_dropped_) + "\n";
  out += "# HELP bitten_webapp_events_total Webapp internal events.\n# TYPE bitten_webapp_events_total counter\n";
  for (const auto& [n, v] : counters_)
    out += "bitten_webapp_events_total{name=\"" + prom_escape(n) + "\"} " + std::to_string(v) + "\n";
}

}  // namespace bitten::webapp

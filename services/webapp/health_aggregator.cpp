#include "health_aggregator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace bitten::webapp {

std::string prom_escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

void HealthAggregator::on_heartbeat(schema::HealthMsg msg, int64_t received_mono_ns) {
  if (msg.daemon.empty()) return;
  auto& e = last_[msg.daemon];
  e.msg = std::move(msg);
  e.received_mono_ns = received_mono_ns;
}

std::vector<HealthAggregator::DaemonView> HealthAggregator::view(int64_t now_mono_ns) const {
  std::set<std::string> names(expected_.begin(), expected_.end());
  for (const auto& [n, _] : last_) names.insert(n);
  std::vector<DaemonView> out;
  for (const auto& n : names) {
    DaemonView v;
    v.name = n;
    v.expected = std::find(expected_.begin(), expected_.end(), n) != expected_.end();
    auto it = last_.find(n);
    if (it == last_.end()) {
      v.status = "missing";
    } else {
      const auto& m = it->second.msg;
      v.seen = true;
      v.age_s = static_cast<double>(now_mono_ns - it->second.received_mono_ns) * 1e-9;
      v.interval_ms = m.interval_ms;
      v.uptime_s = m.uptime_s;
      v.pid = m.pid;
      const double limit_s = stale_factor_ * static_cast<double>(std::max<int64_t>(m.interval_ms, 1)) * 1e-3;
      v.status = v.age_s > limit_s ? "stale" : (m.status.empty() ? "ok" : m.status);
    }
    out.push_back(std::move(v));
  }
  return out;
}

bool HealthAggregator::all_fresh(int64_t now_mono_ns) const {
  for (const auto& v : view(now_mono_ns))
    if (v.expected && (v.status == "stale" || v.status == "missing")) return false;
  return true;
}

nlohmann::json HealthAggregator::daemons_json(int64_t now_mono_ns) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& v : view(now_mono_ns)) {
    nlohmann::json d = {{"status", v.status}, {"expected", v.expected}};
    if (v.seen) {
      d["last_heartbeat_age_s"] = std::round(v.age_s * 1000.0) / 1000.0;
      d["interval_ms"] = v.interval_ms;
      d["uptime_s"] = v.uptime_s;
      d["pid"] = v.pid;
    } else {
      d["last_heartbeat_age_s"] = nullptr;
    }
    out[v.name] = std::move(d);
  }
  return out;
}

namespace {
void append_number(std::string& out, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}
}  // namespace

void HealthAggregator::append_metrics(std::string& out, int64_t now_mono_ns) const {
  out += "# HELP bitten_daemon_up 1 when the daemon's last heartbeat is fresh (within 3x its interval).\n";
  out += "# TYPE bitten_daemon_up gauge\n";
  const auto views = view(now_mono_ns);
  for (const auto& v : views) {
    out += "bitten_daemon_up{daemon=\"" + prom_escape(v.name) + "\"} ";
    out += (v.status == "ok" || v.status == "degraded") ? "1\n" : "0\n";
  }
  out += "# HELP bitten_daemon_heartbeat_age_seconds Seconds since the daemon's last heartbeat.\n";
  out += "# TYPE bitten_daemon_heartbeat_age_seconds gauge\n";
  for (const auto& v : views) {
    if (!v.seen) continue;
    out += "bitten_daemon_heartbeat_age_seconds{daemon=\"" + prom_escape(v.name) + "\"} ";
    append_number(out, v.age_s);
    out += "\n";
  }
  out += "# HELP bitten_daemon_uptime_seconds Uptime the daemon reported.\n# TYPE bitten_daemon_uptime_seconds gauge\n";
  for (const auto& [name, e] : last_) {
    out += "bitten_daemon_uptime_seconds{daemon=\"" + prom_escape(name) + "\"} ";
    append_number(out, e.msg.uptime_s);
    out += "\n";
  }
  out += "# HELP bitten_counter Monotonic counters from each daemon's heartbeat.\n# TYPE bitten_counter counter\n";
  for (const auto& [name, e] : last_)
    for (const auto& [cn, cv] : e.msg.counters)
      out += "bitten_counter{daemon=\"" + prom_escape(name) + "\",name=\"" + prom_escape(cn) + "\"} " +
             std::to_string(cv) + "\n";
  out += "# HELP bitten_gauge Gauges from each daemon's heartbeat.\n# TYPE bitten_gauge gauge\n";
  for (const auto& [name, e] : last_)
    for (const auto& [gn, gv] : e.msg.gauges) {
      out += "bitten_gauge{daemon=\"" + prom_escape(name) + "\",name=\"" + prom_escape(gn) + "\"} ";
      append_number(out, gv);
      out += "\n";
    }
}

}  // namespace bitten::webapp

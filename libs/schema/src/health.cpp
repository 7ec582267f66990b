#include "bitten/schema/health.hpp"

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const HealthMsg& m) {
  return nlohmann::json{{"daemon", m.daemon},     {"pid", m.pid},           {"started_ns", m.started_ns},
                        {"uptime_s", m.uptime_s}, {"status", m.status},     {"interval_ms", m.interval_ms},
                        {"counters", m.counters}, {"gauges", m.gauges}};
}

Result<HealthMsg> health_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  HealthMsg m;
  m.daemon = r.str("daemon");
  m.pid = r.i64("pid");
  m.started_ns = r.i64("started_ns");
  m.uptime_s = r.num("uptime_s");
  m.status = r.str("status");
  m.interval_ms = r.i64("interval_ms");
  const auto& counters = r.object("counters");
  const auto& gauges = r.object("gauges");
  if (!r.ok()) return r.error();
  for (auto& [k, v] : counters.items()) {
    if (!v.is_number_unsigned()) return make_error("wrong_type:counters", "counter " + k + " is not unsigned");
    m.counters[k] = v.get<uint64_t>();
  }
  for (auto& [k, v] : gauges.items()) {
    if (!v.is_number()) return make_error("wrong_type:gauges", "gauge " + k + " is not a number");
    m.gauges[k] = v.get<double>();
  }
  return m;
}

}  // namespace bitten::schema

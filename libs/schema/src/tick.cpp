#include "bitten/schema/tick.hpp"

#include <charconv>
#include <cmath>

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const TickMsg& m) {
  return nlohmann::json{{"symbol", m.symbol},     {"bid", m.bid},   {"ask", m.ask}, {"spread_points", m.spread_points},
                        {"time_ns", m.time_ns},   {"uuid", m.uuid}, {"broker_time", m.broker_time}};
}

Result<TickMsg> tick_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  TickMsg m;
  m.symbol = r.str("symbol");
  m.bid = r.num("bid");
  m.ask = r.num("ask");
  m.spread_points = r.num("spread_points");
  m.time_ns = r.i64("time_ns");
  m.uuid = r.str("uuid");
  m.broker_time = r.str("broker_time");
  if (!r.ok()) return r.error();
  return m;
}

namespace {
void append_json_string(std::string& out, const std::string& s) {
  // Ticks carry symbols and uuids the bridge has validated as plain ASCII, but escape anyway.
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}
void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
void append_double(std::string& out, double v) {
  // Same text as nlohmann's dump: shortest round-trip digits, fixed notation for magnitudes in
  // [1e-4, 1e15) with a ".0" on whole numbers; anything else (never a price) goes through nlohmann.
  const double a = std::fabs(v);
  if (a == 0 || (a >= 1e-4 && a < 1e15)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string_view sv(buf, static_cast<size_t>(r.ptr - buf));
    out.append(sv);
    if (sv.find('.') == std::string_view::npos) out += ".0";
  } else {
    out += nlohmann::json(v).dump();
  }
}
}  // namespace

void append_tick_envelope(std::string& out, const std::string& src, uint64_t seq, int64_t ts_ns, const TickMsg& m,
                          int /*digits*/) {
  // Keys in nlohmann's (sorted) order so both encoders produce identical bytes.
  out += "{\"data\":{\"ask\":";
  append_double(out, m.ask);
  out += ",\"bid\":";
  append_double(out, m.bid);
  out += ",\"broker_time\":";
  append_json_string(out, m.broker_time);
  out += ",\"spread_points\":";
  append_double(out, m.spread_points);
  out += ",\"symbol\":";
  append_json_string(out, m.symbol);
  out += ",\"time_ns\":";
  append_int(out, m.time_ns);
  out += ",\"uuid\":";
  append_json_string(out, m.uuid);
  out += "},\"seq\":";
  append_uint(out, seq);
  out += ",\"src\":";
  append_json_string(out, src);
  out += ",\"ts\":";
  append_int(out, ts_ns);
  out += ",\"type\":\"tick\",\"v\":1}";
}

}  // namespace bitten::schema

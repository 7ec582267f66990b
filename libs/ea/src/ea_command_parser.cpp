#include "bitten/ea/ea_command_parser.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace bitten::ea {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view skip_leading_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

}  // namespace

std::string_view ea_receive_buffer(std::string_view frame) {
  frame = frame.substr(0, kEaReceiveBufferBytes);
  const size_t nul = frame.find('\0');
  return nul == std::string_view::npos ? frame : frame.substr(0, nul);
}

std::string ea_extract_json_value(std::string_view json, std::string_view key) {
  std::string search;
  search.reserve(key.size() + 3);
  search += '"';
  search += key;
  search += "\":";
  size_t start = json.find(search);
  if (start == std::string_view::npos) return {};
  start += search.size();
  while (start < json.size() && (json[start] == ' ' || json[start] == '\t')) ++start;
  if (start >= json.size()) return {};
  size_t end;
  if (json[start] == '"') {
    ++start;
    end = json.find('"', start);
    if (end == std::string_view::npos) end = json.size();
  } else {
    end = json.find_first_of(",}]", start);
    if (end == std::string_view::npos) end = json.size();
  }
  return end > start ? std::string(json.substr(start, end - start)) : std::string();
}

double mql_string_to_double(std::string_view text) {
  std::string_view s = skip_leading_space(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  // Only a decimal prefix counts (no "nan"/"inf" spellings, no hex).
  size_t n = 0;
  if (n < s.size() && s[n] == '-') ++n;
  const size_t digits_start = n;
  while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
  if (n == digits_start) return 0;
  if (n < s.size() && (s[n] == 'e' || s[n] == 'E')) {
    size_t e = n + 1;
    if (e < s.size() && (s[e] == '+' || s[e] == '-')) ++e;
    if (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) {
      while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
      n = e;
    }
  }
  double value = 0;
  auto r = std::from_chars(s.data(), s.data() + n, value);
  if (r.ec == std::errc::result_out_of_range) return 0;
  return r.ec == std::errc{} && std::isfinite(value) ? value : 0;
}

int64_t mql_string_to_integer(std::string_view text) {
  std::string_view s = skip_leading_space(text);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t value = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), value);
  if (r.ec == std::errc::result_out_of_range)
    return !s.empty() && s.front() == '-' ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return r.ec == std::errc{} ? value : 0;
}

EaCommand ea_parse_command(std::string_view frame, std::string_view own_uuid) {
  EaCommand c;
  if (frame.empty()) return c;  // zmq_recv returned 0 bytes: nothing happens
  c.text = std::string(ea_receive_buffer(frame));
  c.target_uuid = ea_extract_json_value(c.text, "target_uuid");
  if (!c.target_uuid.empty() && c.target_uuid != own_uuid) return c;  // ignored, no reply
  c.type = ea_extract_json_value(c.text, "type");
  if (c.type == "fire") {
    c.kind = EaCommandKind::Fire;
    EaFireFields& f = c.fire;
    f.fire_id = ea_extract_json_value(c.text, "fire_id");
    f.symbol = ea_extract_json_value(c.text, "symbol");
    f.direction = ea_extract_json_value(c.text, "direction");
    if (f.direction.empty()) f.direction = ea_extract_json_value(c.text, "side");
    f.entry = mql_string_to_double(ea_extract_json_value(c.text, "entry"));
    f.sl = mql_string_to_double(ea_extract_json_value(c.text, "sl"));
    f.tp = mql_string_to_double(ea_extract_json_value(c.text, "tp"));
    f.lot = mql_string_to_double(ea_extract_json_value(c.text, "lot"));
    f.hybrid = c.text.find("\"hybrid\":{\"enabled\":true") != std::string::npos;
  } else if (c.type == "close_all") {
    c.kind = EaCommandKind::CloseAll;
  } else if (c.type == "close_ticket") {
    c.kind = EaCommandKind::CloseTicket;
    c.ticket = mql_string_to_integer(ea_extract_json_value(c.text, "ticket"));
  } else if (c.type == "ping") {
    c.kind = EaCommandKind::Ping;
    c.ping_id = ea_extract_json_value(c.text, "ping_id");
  } else {
    c.kind = EaCommandKind::Unknown;
  }
  return c;
}

}  // namespace bitten::ea

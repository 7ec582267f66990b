#include "number_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace bitten::ea::detail {

void append_fixed(std::string& out, double value, int digits) {
  digits = std::clamp(digits, 0, 16);
  char buf[400];  // fixed notation of DBL_MAX with 16 decimals fits
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
  out.append(buf, r.ptr);
}

void append_int(std::string& out, int64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

NumberStatus parse_number_token(std::string_view t, ParsedNumber& out) {
  if (t.empty()) return NumberStatus::NotANumber;
  const char first = t[0] == '-' && t.size() > 1 ? t[1] : t[0];
  if (first < '0' || first > '9') return NumberStatus::NotANumber;  // NaN, Infinity, +1, .5, true
  bool plain_integer = true;
  for (char c : t) {
    if (c == '.' || c == 'e' || c == 'E') plain_integer = false;
    else if (!((c >= '0' && c <= '9') || c == '-' || c == '+')) return NumberStatus::NotANumber;
  }
  const char* end = t.data() + t.size();
  double d = 0;
  auto rd = std::from_chars(t.data(), end, d);
  if (rd.ec == std::errc::result_out_of_range) return NumberStatus::OutOfRange;
  if (rd.ec != std::errc{} || rd.ptr != end) return NumberStatus::NotANumber;
  if (!std::isfinite(d)) return NumberStatus::OutOfRange;
  out.value = d;
  out.is_integer = false;
  if (plain_integer) {
    int64_t i = 0;
    auto ri = std::from_chars(t.data(), end, i);
    if (ri.ec == std::errc{} && ri.ptr == end) {
      out.integer = i;
      out.is_integer = true;
    }
  }
  return NumberStatus::Ok;
}

}  // namespace bitten::ea::detail

#include "bitten/core/time.hpp"

#include <charconv>
#include <cstdio>

namespace bitten {

int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2)), m, d};
}

int weekday_from_days(int64_t days) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int64_t w = (days + 3) % 7;
  if (w < 0) w += 7;
  return static_cast<int>(w);
}

namespace {
bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return r.ec == std::errc{};
}
bool days_in_month_ok(int y, int m, int d) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max = dim[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}
}  // namespace

std::optional<int64_t> parse_datetime(std::string_view s) {
  // YYYY?MM?DD?HH:MM:SS, exactly 19 characters (trailing 'Z' tolerated).
  if (s.size() == 20 && s.back() == 'Z') s.remove_suffix(1);
  if (s.size() != 19) return std::nullopt;
  const char sep = s[4];
  if (sep != '.' && sep != '-') return std::nullopt;
  if (s[7] != sep || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return std::nullopt;
  int y, mo, d, h, mi, se;
  if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, mo) || !read_int(s, 8, 2, d) || !read_int(s, 11, 2, h) ||
      !read_int(s, 14, 2, mi) || !read_int(s, 17, 2, se))
    return std::nullopt;
  if (y < 1970 || !days_in_month_ok(y, mo, d) || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se;
}

namespace {
std::string format_with(int64_t t, const char* fmt) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t sod = t - days * 86400;
  CivilDate c = civil_from_days(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, c.year, c.month, c.day, static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  return buf;
}
}  // namespace

std::string format_ea_datetime(int64_t t) { return format_with(t, "%04d.%02u.%02u %02d:%02d:%02d"); }
std::string format_iso8601(int64_t t) { return format_with(t, "%04d-%02u-%02uT%02d:%02d:%02dZ"); }
std::string format_datetime(int64_t t) { return format_with(t, "%04d-%02u-%02u %02d:%02d:%02d"); }

}  // namespace bitten

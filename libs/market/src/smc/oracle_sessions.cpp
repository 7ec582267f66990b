// The oracle's fixed-hour sessions (smc.sessions). This is NOT our session calendar (that one is
// DST-aware, see session_calendar.hpp); it exists to reproduce the library in batch mode.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "bitten/market/smc/batch.hpp"
#include "bitten/market/smc/oracle_session_window.hpp"

namespace bitten::market::smc {

namespace {

std::optional<int> parse_hhmm(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || s.size() - colon - 1 != 2) return std::nullopt;
  int hh = 0, mm = 0;
  if (std::from_chars(s.data(), s.data() + colon, hh).ec != std::errc{}) return std::nullopt;
  if (std::from_chars(s.data() + colon + 1, s.data() + s.size(), mm).ec != std::errc{}) return std::nullopt;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return std::nullopt;
  return hh * 60 + mm;
}

}  // namespace

Result<OracleSessionWindow> oracle_session_window(const std::string& session, const std::string& start_time,
                                                  const std::string& end_time, const std::string& time_zone) {
  struct Named {
    const char* name;
    const char* start;
    const char* end;
  };
  static const Named kNamed[] = {
      {"Sydney", "21:00", "06:00"},          {"Tokyo", "00:00", "09:00"},
      {"London", "07:00", "16:00"},          {"New York", "13:00", "22:00"},
      {"Asian kill zone", "00:00", "04:00"}, {"London open kill zone", "6:00", "9:00"},
      {"New York kill zone", "11:00", "14:00"}, {"london close kill zone", "14:00", "16:00"},
  };
  std::string s, e;
  if (session == "Custom") {
    if (start_time.empty() || end_time.empty())
      return make_error("bad_session", "Custom session requires a start and end time");
    s = start_time;
    e = end_time;
  } else {
    for (const auto& nm : kNamed)
      if (session == nm.name) {
        s = nm.start;
        e = nm.end;
      }
    if (s.empty()) return make_error("bad_session", "unknown session '" + session + "'");
  }
  const auto start = parse_hhmm(s), end = parse_hhmm(e);
  if (!start || !end) return make_error("bad_session", "session times must be HH:MM");
  OracleSessionWindow w{*start, *end, 0};
  if (time_zone != "UTC") {
    // "UTC+2"/"GMT+2" become Etc/GMT+2, which the tz database defines as UTC−2: local + 2 h = UTC.
    std::string_view tz = time_zone;
    if (tz.substr(0, 3) != "UTC" && tz.substr(0, 3) != "GMT")
      return make_error("bad_time_zone", "time zone must be UTC, UTC±N or GMT±N: " + time_zone);
    tz.remove_prefix(3);
    int sign = 1;
    if (!tz.empty() && (tz[0] == '+' || tz[0] == '-')) {
      sign = tz[0] == '-' ? -1 : 1;
      tz.remove_prefix(1);
    }
    int hours = 0;
    if (!tz.empty() && std::from_chars(tz.data(), tz.data() + tz.size(), hours).ec != std::errc{})
      return make_error("bad_time_zone", "bad hour offset in " + time_zone);
    w.utc_offset_ns = static_cast<int64_t>(sign) * hours * 3600 * 1'000'000'000LL;
  }
  return w;
}

bool OracleSessionWindow::active(int64_t time_ns) const {
  constexpr int64_t kMinute = 60'000'000'000LL;
  const int64_t t = time_ns + utc_offset_ns;
  int64_t minutes = t / kMinute - ((t % kMinute != 0 && t < 0) ? 1 : 0);
  int minute_of_day = static_cast<int>(((minutes % 1440) + 1440) % 1440);
  if (start_minute < end_minute) return start_minute <= minute_of_day && minute_of_day <= end_minute;
  return start_minute <= minute_of_day || minute_of_day <= end_minute;
}

void OracleSessionState::update(bool is_active, double high_price, double low_price) {
  if (!is_active) {
    active = false;
    high = low = 0.0f;
    return;
  }
  // Inactive rows store 0, which is what resets the running extremes (no calendar-day reset).
  const double prev_high = high;
  const double prev_low = low != 0.0f ? static_cast<double>(low) : std::numeric_limits<double>::infinity();
  active = true;
  high = static_cast<float>(std::max(high_price, prev_high));
  low = static_cast<float>(std::min(low_price, prev_low));
}

Result<Table> sessions(const OhlcSeries& ohlc, const std::string& session, const std::string& start_time,
                       const std::string& end_time, const std::string& time_zone) {
  auto window = oracle_session_window(session, start_time, end_time, time_zone);
  if (!window) return window.error();
  const size_t n = ohlc.size();
  std::vector<double> active(n), high(n), low(n);
  OracleSessionState state;
  for (size_t i = 0; i < n; ++i) {
    state.update(window->active(ohlc.time_ns[i]), ohlc.high[i], ohlc.low[i]);
    active[i] = state.active ? 1.0 : 0.0;
    high[i] = state.high;
    low[i] = state.low;
  }
  Table t;
  t.add("Active", ColumnKind::Int, std::move(active));
  t.add("High", ColumnKind::Float32, std::move(high));
  t.add("Low", ColumnKind::Float32, std::move(low));
  return t;
}

}  // namespace bitten::market::smc

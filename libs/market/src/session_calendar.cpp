#include "bitten/market/session_calendar.hpp"

#include "bitten/core/time.hpp"

namespace bitten::market {
namespace {

constexpr int64_t kDaySec = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Day number of the n-th (1-based) Sunday of a month, or the last one when n == 0.
int64_t sunday_of_month(int year, unsigned month, int n) {
  if (n == 0) {
    const int64_t next_first = month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
    const int64_t last = next_first - 1;
    return last - ((weekday_from_days(last) + 1) % 7);  // back to Sunday (weekday 6)
  }
  const int64_t first = days_from_civil(year, month, 1);
  const int64_t first_sunday = first + (6 - weekday_from_days(first));
  return first_sunday + 7 * (n - 1);
}

int year_of(int64_t utc_sec) { return civil_from_days(floor_div(utc_sec, kDaySec)).year; }

bool us_dst(int64_t t) {
  const int y = year_of(t);
  const int64_t start = sunday_of_month(y, 3, 2) * kDaySec + 7 * 3600;  // 02:00 EST
  const int64_t end = sunday_of_month(y, 11, 1) * kDaySec + 6 * 3600;   // 02:00 EDT
  return t >= start && t < end;
}

bool eu_dst(int64_t t) {
  const int y = year_of(t);
  const int64_t start = sunday_of_month(y, 3, 0) * kDaySec + 3600;
  const int64_t end = sunday_of_month(y, 10, 0) * kDaySec + 3600;
  return t >= start && t < end;
}

bool au_dst(int64_t t) {
  const int y = year_of(t);
  const int64_t end = sunday_of_month(y, 4, 1) * kDaySec - 8 * 3600;     // 03:00 AEDT = Sat 16:00 UTC
  const int64_t start = sunday_of_month(y, 10, 1) * kDaySec - 8 * 3600;  // 02:00 AEST = Sat 16:00 UTC
  return t < end || t >= start;  // southern summer spans the new year
}

struct LocalHours {
  int open_minute;
  int close_minute;
};

LocalHours hours_of(Session s) {
  switch (s) {
    case Session::Sydney: return {7 * 60, 16 * 60};
    case Session::Tokyo: return {9 * 60, 18 * 60};
    case Session::London: return {8 * 60, 17 * 60};
    case Session::NewYork: return {8 * 60, 17 * 60};
  }
  return {0, 0};
}

}  // namespace

int64_t utc_offset_seconds(Session session, int64_t utc_ns) {
  const int64_t t = floor_div(utc_ns, 1'000'000'000);
  switch (session) {
    case Session::Sydney: return (au_dst(t) ? 11 : 10) * 3600;
    case Session::Tokyo: return 9 * 3600;
    case Session::London: return eu_dst(t) ? 3600 : 0;
    case Session::NewYork: return (us_dst(t) ? -4 : -5) * 3600;
  }
  return 0;
}

bool is_active(Session session, int64_t utc_ns) {
  const int64_t local = floor_div(utc_ns, 1'000'000'000) + utc_offset_seconds(session, utc_ns);
  const int64_t day = floor_div(local, kDaySec);
  if (weekday_from_days(day) >= 5) return false;
  const int minute = static_cast<int>((local - day * kDaySec) / 60);
  const LocalHours h = hours_of(session);
  return minute >= h.open_minute && minute < h.close_minute;
}

SessionLabel session_of(int64_t utc_ns) {
  const bool london = is_active(Session::London, utc_ns);
  const bool new_york = is_active(Session::NewYork, utc_ns);
  if (london && new_york) return SessionLabel::LondonNewYork;
  if (new_york) return SessionLabel::NewYork;
  if (london) return SessionLabel::London;
  if (is_active(Session::Tokyo, utc_ns)) return SessionLabel::Tokyo;
  if (is_active(Session::Sydney, utc_ns)) return SessionLabel::Sydney;
  return SessionLabel::Closed;
}

bool is_overlap(int64_t utc_ns) {
  int n = 0;
  for (Session s : {Session::Sydney, Session::Tokyo, Session::London, Session::NewYork}) n += is_active(s, utc_ns);
  return n >= 2;
}

std::string_view session_name(Session session) {
  switch (session) {
    case Session::Sydney: return "SYDNEY";
    case Session::Tokyo: return "TOKYO";
    case Session::London: return "LONDON";
    case Session::NewYork: return "NEW_YORK";
  }
  return "?";
}

std::string_view session_label_name(SessionLabel label) {
  switch (label) {
    case SessionLabel::Closed: return "CLOSED";
    case SessionLabel::Sydney: return "SYDNEY";
    case SessionLabel::Tokyo: return "TOKYO";
    case SessionLabel::London: return "LONDON";
    case SessionLabel::LondonNewYork: return "LONDON_NY";
    case SessionLabel::NewYork: return "NEW_YORK";
  }
  return "?";
}

}  // namespace bitten::market

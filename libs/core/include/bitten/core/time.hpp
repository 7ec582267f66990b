#pragma once
// Calendar helpers on UTC epoch seconds, without the C library's time zone state.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bitten {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int y, unsigned m, unsigned d);
struct CivilDate {
  int year;
  unsigned month;
  unsigned day;
};
CivilDate civil_from_days(int64_t days);

// Parses "YYYY.MM.DD HH:MM:SS" (the EA's broker-time format) or "YYYY-MM-DD HH:MM:SS" / with 'T'.
// Returns seconds since the epoch, treating the fields as if they were UTC; nullopt when malformed
// or out of range.
std::optional<int64_t> parse_datetime(std::string_view text);

// "YYYY.MM.DD HH:MM:SS" for the given epoch seconds (as the EA writes broker time).
std::string format_ea_datetime(int64_t epoch_seconds);
// "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601, UTC).
std::string format_iso8601(int64_t epoch_seconds);
// "YYYY-MM-DD HH:MM:SS".
std::string format_datetime(int64_t epoch_seconds);

// 0 = Monday ... 6 = Sunday.
int weekday_from_days(int64_t days);

}  // namespace bitten

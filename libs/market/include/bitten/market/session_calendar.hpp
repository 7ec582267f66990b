#pragma once
// The one UTC session calendar for everything (signals, risk, features). Sessions are defined in
// their own local time and converted to UTC with each place's DST rules, so London and New York
// opens move with the clocks:
//   Sydney   07:00–16:00 Australia/Sydney (AEST +10, AEDT +11: first Sunday of October 02:00
//            standard time to first Sunday of April 03:00 daylight time)
//   Tokyo    09:00–18:00 Asia/Tokyo (+9, no DST)
//   London   08:00–17:00 Europe/London (GMT, BST +1: last Sunday of March to last Sunday of
//            October, changing at 01:00 UTC, the EU rule)
//   New York 08:00–17:00 America/New_York (EST −5, EDT −4: second Sunday of March 02:00 local to
//            first Sunday of November 02:00 local, the US rule since 2007)
// A session is active on local Monday–Friday in [open, close). This is NOT the oracle's
// fixed-hour smc.sessions (see smc/oracle_session_window.hpp).
#include <cstdint>
#include <string_view>

namespace bitten::market {

enum class Session { Sydney, Tokyo, London, NewYork };

// The label a signal carries. Overlap rule: London and New York together are LondonNewYork (the
// most liquid hours); otherwise the most liquid active session wins: New York, then London, then
// Tokyo, then Sydney. Closed when none is active (weekend).
enum class SessionLabel { Closed, Sydney, Tokyo, London, LondonNewYork, NewYork };

bool is_active(Session session, int64_t utc_ns);
SessionLabel session_of(int64_t utc_ns);
// True when two or more sessions are active.
bool is_overlap(int64_t utc_ns);
// UTC offset of the session's city at that instant, in seconds (DST included).
int64_t utc_offset_seconds(Session session, int64_t utc_ns);

std::string_view session_name(Session session);         // "SYDNEY", "TOKYO", "LONDON", "NEW_YORK"
std::string_view session_label_name(SessionLabel label);  // adds "LONDON_NY" and "CLOSED"

}  // namespace bitten::market

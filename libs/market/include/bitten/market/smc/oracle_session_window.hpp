#pragma once
// The oracle's session window (fixed UTC hours, both ends inclusive, HH:MM resolution) and its
// running High/Low state. Shared by batch smc::sessions and the streaming version; not to be
// confused with the DST-aware SessionCalendar used by signals.
#include <cstdint>
#include <optional>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::market::smc {

struct OracleSessionWindow {
  int start_minute = 0;  // minute of day, inclusive
  int end_minute = 0;    // inclusive; start >= end wraps past midnight
  int64_t utc_offset_ns = 0;
  bool active(int64_t time_ns) const;
};

Result<OracleSessionWindow> oracle_session_window(const std::string& session, const std::string& start_time = "",
                                                  const std::string& end_time = "",
                                                  const std::string& time_zone = "UTC");

struct OracleSessionState {
  bool active = false;
  float high = 0.0f;  // float32 like the oracle's arrays
  float low = 0.0f;
  void update(bool is_active, double high_price, double low_price);
};

}  // namespace bitten::market::smc

#pragma once
// config/risk.json: the tier table and the limits every daemon enforces (one file, read strictly).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "bitten/core/result.hpp"

namespace bitten::risk {

struct TierLimits {
  std::string name;
  int slots = 0;                // open positions + in-flight fires
  double risk_pct = 0;          // % of EA-reported balance risked per trade
  double max_lot = 0;           // cap after sizing (never raises a lot)
  bool can_manual = false;
  bool can_auto = false;
  std::set<std::string> classes;  // signal classes the tier may fire ("RAPID", "SNIPER")
  int max_trades_per_day = 0;
  double daily_loss_pct = 0;    // of start-of-day equity
  bool read_only() const { return !can_manual && !can_auto; }
};

struct RiskConfig {
  std::map<std::string, TierLimits, std::less<>> tiers;
  double spread_default_max_pips = 3.0;
  std::map<std::string, double, std::less<>> spread_max_pips;  // per symbol
  double spread_max_atr_fraction = 0;  // 0: off; else spread must be <= fraction x ATR (pips)
  int64_t ea_ttl_s = 90;
  int64_t mission_expiry_s = 900;
  int64_t quote_max_age_s = 30;
  double auto_min_probability = 0.65;
  bool auto_allow_cold_start = false;
  double auto_cold_start_min_confidence = 80;

  const TierLimits* tier(std::string_view name) const;
  double max_spread_pips(std::string_view symbol) const;
  int64_t mission_expires_ns(int64_t created_ns) const { return created_ns + mission_expiry_s * 1'000'000'000LL; }
};

Result<RiskConfig> parse_risk_config(std::string_view json_text, const std::string& origin = "<risk.json>");
Result<RiskConfig> load_risk_config(const std::string& path);

}  // namespace bitten::risk

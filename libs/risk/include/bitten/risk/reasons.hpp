#pragma once
// Stable refusal codes of the risk engine (docs/risk.md lists each rule and why it exists).
// Clients and dashboards key on these strings: never rename one, add new ones instead.
#include <string_view>

#include "bitten/store/fire_repo.hpp"

namespace bitten::risk::reason {

inline constexpr std::string_view kGlobalHalt = "global_halt";
inline constexpr std::string_view kUserNotFound = "user_not_found";
inline constexpr std::string_view kUserHalted = "user_halted";
inline constexpr std::string_view kTierUnknown = "tier_unknown";
inline constexpr std::string_view kTierReadOnly = "tier_read_only";
inline constexpr std::string_view kManualNotAllowed = "manual_not_allowed";
inline constexpr std::string_view kAutoNotAllowed = "auto_not_allowed";
inline constexpr std::string_view kAutoModeOff = "auto_mode_off";
inline constexpr std::string_view kMissionNotFound = "mission_not_found";
inline constexpr std::string_view kMissionExpired = "mission_expired";
inline constexpr std::string_view kSignalClassNotAllowed = "signal_class_not_allowed";
inline constexpr std::string_view kAutoProbabilityTooLow = "auto_probability_too_low";
inline constexpr std::string_view kMissionAlreadyFired = store::reason::kMissionAlreadyFired;
inline constexpr std::string_view kEaNotLinked = "ea_not_linked";
inline constexpr std::string_view kEaBlocked = "ea_blocked";
inline constexpr std::string_view kEaOffline = "ea_offline";
inline constexpr std::string_view kSlotsFull = store::reason::kSlotsFull;
inline constexpr std::string_view kOppositePosition = store::reason::kOppositePosition;
inline constexpr std::string_view kMaxTradesPerDay = "max_trades_per_day";
inline constexpr std::string_view kDailyLossLimit = "daily_loss_limit";
inline constexpr std::string_view kUnknownSymbol = "unknown_symbol";
inline constexpr std::string_view kQuoteUnavailable = "quote_unavailable";
inline constexpr std::string_view kSpreadTooWide = "spread_too_wide";
inline constexpr std::string_view kStopBreached = "stop_breached";
inline constexpr std::string_view kTargetPassed = "target_passed";
inline constexpr std::string_view kNoBalance = "no_balance";
inline constexpr std::string_view kLotBelowMinimum = "lot_below_minimum";

}  // namespace bitten::risk::reason

#pragma once
// The risk engine behind every fire, manual and auto alike. Pure: no sockets, no database, no clock
// of its own. It takes a request and a snapshot of everything it needs, and returns an approved,
// sized order or a refusal with a stable reason code (reasons.hpp). The first failing rule wins, in
// the order documented in docs/risk.md.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/store/records.hpp"

namespace bitten::risk {

enum class FireMode { Manual, Auto };
std::string_view to_string(FireMode m);  // "MANUAL" | "AUTO"

struct FireRequest {
  std::string user_id;  // from the authenticated session or token, never from the request body
  std::string mission_id;
  FireMode mode = FireMode::Manual;
  std::optional<std::string> idempotency_key;  // client-chosen; a repeat returns the original fire
  int64_t now_ns = 0;                          // UTC, injected
};

struct Quote {
  double bid = 0;
  double ask = 0;
  int64_t time_ns = 0;   // when it arrived here (our clock), for the quote-age rule; 0: unknown age
  int64_t event_ns = 0;  // the tick's own market time (a replay's may be days behind our clock); 0: unknown
};
// Latest quote of a symbol (live ticks), nullopt when none.
using QuoteSource = std::function<std::optional<Quote>(std::string_view symbol)>;

using Exposure = store::ExposureRow;  // fire_id, symbol, direction

struct RiskSnapshot {
  bool global_halt = false;
  std::string global_halt_reason;
  std::optional<store::UserRecord> user;
  std::string user_mode = "SELECT";
  std::optional<double> auto_min_probability;  // the user's own auto-fire minimum, if set
  std::optional<store::MissionRecord> mission;
  std::optional<store::SignalRecord> signal;
  std::optional<store::EaInstance> ea;  // the user's most recently seen bound EA
  double realized_pnl_today = 0;        // account currency, closed today (UTC)
  int trades_today = 0;
  std::vector<Exposure> open_positions;
  std::vector<Exposure> in_flight;      // QUEUED / SENT fires
  std::optional<std::string> mission_live_fire;  // fire already holding the mission
  QuoteSource quotes;
};

struct ApprovedOrder {
  std::string ea_uuid;
  std::string symbol;
  std::string direction;
  double lot = 0;
  double entry = 0;  // 0: market order (what the EA executes)
  double sl = 0;
  double tp = 0;
  double price = 0;           // executable price used for sizing (ask for BUY, bid for SELL)
  double stop_pips = 0;       // from that price to the stop
  double spread_pips = 0;
  double pip_value_per_lot = 0;  // account currency
  double balance = 0;
  double risk_pct = 0;
  double risk_amount = 0;     // of the lot actually sent (<= the budget)
  int slots_used = 0;
  int slots_max = 0;
};

struct RiskDecision {
  bool approved = false;
  std::string reason;  // empty when approved
  std::string detail;  // human-readable
  std::optional<ApprovedOrder> order;
};

RiskDecision evaluate(const RiskConfig& config, const SymbolTable& symbols, const FireRequest& request,
                      const RiskSnapshot& snapshot);

}  // namespace bitten::risk

#pragma once
// EA side: what ExecuteFireCommand / the close handlers do with a parsed command, and the exact
// reply texts, as pure functions for the EA simulator (which owns quotes, positions and time).
#include <cstdint>
#include <string>
#include <string_view>

#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/messages.hpp"

namespace bitten::ea {

// direction given: BUY only for exactly "BUY" or "buy", anything else is SELL.
// direction empty: entry == 0 -> BUY, else BUY when entry is closer to ask than to bid.
bool ea_direction_is_buy(std::string_view direction, double entry, double bid, double ask);

struct EaStops {
  double sl = 0;
  double tp = 0;
};
// `price` is the execution price (ask for BUY, bid for SELL). BUY keeps SL only if 0 < SL < price
// and TP only if TP > price; SELL mirrors. A dropped level silently becomes 0 (no stop / no target).
EaStops ea_sanitise_stops(bool is_buy, double price, double sl, double tp);

// lot <= 0 becomes 0.01; no normalisation to the symbol's volume step/min/max.
double ea_order_volume(double lot);
// The MT5 order comment: fire_id, or "BITTEN_DEALER" when empty.
std::string ea_order_comment(std::string_view fire_id);

inline constexpr int kEaDeviationPoints = 3;

struct EaMarketOrder {
  std::string symbol;
  bool is_buy = true;
  double price = 0;  // ask for BUY, bid for SELL
  double volume = 0;
  double sl = 0;
  double tp = 0;
  std::string comment;
};

// The standard (non-hybrid) fire path up to OrderSend. When !ok, failure_message is the text of
// the failed confirmation (which carries ticket 0, price 0 and the received lot).
struct EaFirePlan {
  bool ok = false;
  EaMarketOrder order;
  std::string failure_message;
};
EaFirePlan ea_plan_fire(const EaFireFields& fire, bool symbol_available, double bid, double ask);

// Reply texts, verbatim.
inline constexpr std::string_view kEaFireSuccessMessage = "Trade executed successfully via DEALER";
inline constexpr std::string_view kEaInvalidTicketMessage = "Invalid ticket number";
inline constexpr std::string_view kEaPositionNotFoundMessage = "Position not found";
inline constexpr std::string_view kEaNotOwnedMessage = "Position not owned by BITTEN";
inline constexpr std::string_view kEaCloseSuccessMessage = "Position closed successfully";
inline constexpr std::string_view kEaCloseFailedMessage = "Failed to close position";
// "Trade execution failed - Error: <e> Result: <retcode>" (+ " (Invalid SL/TP - Core brain should adjust)" for 10016).
std::string ea_fire_failure_message(int error_code, int retcode);
std::string ea_unknown_command_message(std::string_view command_type);  // "Unknown command type: <t>"
std::string ea_close_all_message(int closed, int failed, double total_volume);

// The account snapshot every confirmation carries.
struct EaAccount {
  std::string node_id;
  std::string user_uuid;
  int64_t account = 0;
  std::string currency;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  double margin_level = 0;
};

// SendCommandConfirmation / SendCloseConfirmation / SendPingResponse as structs (encode them with
// ea_encoder.hpp). `timestamp` is broker time "YYYY.MM.DD HH:MM:SS".
Confirmation ea_make_confirmation(const EaAccount& account, std::string_view command_type, bool success,
                                  int64_t ticket, double price, double lot, std::string_view message,
                                  std::string_view fire_id, std::string_view timestamp);
Confirmation ea_make_unknown_confirmation(const EaAccount& account, std::string_view command_type,
                                          std::string_view timestamp);
CloseConfirmation ea_make_close_confirmation(const EaAccount& account, std::string_view command_type, bool success,
                                             int64_t ticket, double close_price, double lot,
                                             std::string_view message, std::string_view timestamp);
Pong ea_make_pong(const EaAccount& account, std::string_view ping_id, std::string_view timestamp);

}  // namespace bitten::ea

#include "bitten/ea/ea_fire_rules.hpp"

#include <cmath>

#include "bitten/core/time.hpp"
#include "number_text.hpp"

namespace bitten::ea {

bool ea_direction_is_buy(std::string_view direction, double entry, double bid, double ask) {
  if (!direction.empty()) return direction == "BUY" || direction == "buy";
  return entry == 0 ? true : std::fabs(entry - ask) < std::fabs(entry - bid);
}

EaStops ea_sanitise_stops(bool is_buy, double price, double sl, double tp) {
  EaStops s;
  if (is_buy) {
    s.sl = (sl > 0 && sl < price) ? sl : 0;
    s.tp = (tp > 0 && tp > price) ? tp : 0;
  } else {
    s.sl = (sl > 0 && sl > price) ? sl : 0;
    s.tp = (tp > 0 && tp < price) ? tp : 0;
  }
  return s;
}

double ea_order_volume(double lot) { return lot <= 0 ? 0.01 : lot; }

std::string ea_order_comment(std::string_view fire_id) {
  return fire_id.empty() ? std::string("BITTEN_DEALER") : std::string(fire_id);
}

EaFirePlan ea_plan_fire(const EaFireFields& fire, bool symbol_available, double bid, double ask) {
  EaFirePlan plan;
  if (!symbol_available) {
    plan.failure_message = "Symbol not available: " + fire.symbol;
    return plan;
  }
  if (bid == 0 || ask == 0) {
    plan.failure_message = "No quotes available for " + fire.symbol;
    return plan;
  }
  EaMarketOrder& o = plan.order;
  o.symbol = fire.symbol;
  o.volume = ea_order_volume(fire.lot);
  o.comment = ea_order_comment(fire.fire_id);
  o.is_buy = ea_direction_is_buy(fire.direction, fire.entry, bid, ask);
  o.price = o.is_buy ? ask : bid;
  const EaStops stops = ea_sanitise_stops(o.is_buy, o.price, fire.sl, fire.tp);
  o.sl = stops.sl;
  o.tp = stops.tp;
  plan.ok = true;
  return plan;
}

std::string ea_fire_failure_message(int error_code, int retcode) {
  std::string m = "Trade execution failed - Error: " + std::to_string(error_code) + " Result: " + std::to_string(retcode);
  if (error_code == 10016) m += " (Invalid SL/TP - Core brain should adjust)";
  return m;
}

std::string ea_unknown_command_message(std::string_view command_type) {
  return "Unknown command type: " + std::string(command_type);
}

std::string ea_close_all_message(int closed, int failed, double total_volume) {
  std::string m = "Closed " + std::to_string(closed) + " positions, " + std::to_string(failed) + " failed, Total volume: ";
  detail::append_fixed(m, total_volume, 2);
  return m;
}

namespace {
int64_t epoch_or_zero(std::string_view ts) { return parse_datetime(ts).value_or(0); }
}  // namespace

Confirmation ea_make_confirmation(const EaAccount& a, std::string_view command_type, bool success, int64_t ticket,
                                  double price, double lot, std::string_view message, std::string_view fire_id,
                                  std::string_view timestamp) {
  Confirmation c;
  c.command_type = command_type;
  c.fire_id = fire_id;
  c.node_id = a.node_id;
  c.user_uuid = a.user_uuid;
  c.status = success ? "success" : "failed";
  c.ticket = ticket;
  c.price = price;
  c.lot = lot;
  c.message = message;
  c.account = a.account;
  c.currency = a.currency;
  c.balance = a.balance;
  c.equity = a.equity;
  c.free_margin = a.free_margin;
  c.margin_level = a.margin_level;
  c.timestamp = timestamp;
  c.broker_epoch = epoch_or_zero(timestamp);
  return c;
}

Confirmation ea_make_unknown_confirmation(const EaAccount& a, std::string_view command_type,
                                          std::string_view timestamp) {
  return ea_make_confirmation(a, "unknown", false, 0, 0, 0, ea_unknown_command_message(command_type), "", timestamp);
}

CloseConfirmation ea_make_close_confirmation(const EaAccount& a, std::string_view command_type, bool success,
                                             int64_t ticket, double close_price, double lot,
                                             std::string_view message, std::string_view timestamp) {
  CloseConfirmation c;
  c.command_type = command_type;
  c.node_id = a.node_id;
  c.user_uuid = a.user_uuid;
  c.status = success ? "success" : "failed";
  c.ticket = ticket;
  c.close_price = close_price;
  c.lot = lot;
  c.message = message;
  c.account = a.account;
  c.currency = a.currency;
  c.balance = a.balance;
  c.equity = a.equity;
  c.free_margin = a.free_margin;
  c.margin_level = a.margin_level;
  c.timestamp = timestamp;
  c.broker_epoch = epoch_or_zero(timestamp);
  return c;
}

Pong ea_make_pong(const EaAccount& a, std::string_view ping_id, std::string_view timestamp) {
  Pong p;
  p.ping_id = ping_id;
  p.node_id = a.node_id;
  p.user_uuid = a.user_uuid;
  p.timestamp = timestamp;
  p.broker_epoch = epoch_or_zero(timestamp);
  return p;
}

}  // namespace bitten::ea

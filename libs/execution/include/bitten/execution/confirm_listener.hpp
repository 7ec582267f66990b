#pragma once
// confirm_listener's logic: EA confirmations (PULL 5558) -> fire state changes, and the sweep that
// turns fires nobody answered into TIMEOUT. No sockets; time injected.
//
//   confirmation{command_type:fire}  success -> FILLED(ticket, price)   failed -> FAILED(message)
//                                    (also from TIMEOUT: a late confirmation corrects the state)
//   confirmation{command_type:unknown}  counted (the EA did not understand a command)
//   close_confirmation               no fire_id in v2.05: matched by (EA uuid, ticket) to the open
//                                    position -> CLOSED; close_all closes every open position of
//                                    that EA. close_price is always 0 in v2.05, so the price is the
//                                    last quote (bid for a BUY, ask for a SELL) when one is fresh,
//                                    else unknown (null); pips follow from it.
//   pong                             ea.pong event with the round trip when the ping_id carries time
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/ea/decoder.hpp"
#include "bitten/execution/events.hpp"
#include "bitten/execution/quote_book.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/store/database.hpp"
#include "bitten/core/symbols.hpp"

namespace bitten::execution {

struct ListenerOptions {
  int64_t confirm_timeout_ns = 60LL * 1'000'000'000;  // SENT with no confirmation -> TIMEOUT
  int64_t queued_timeout_ns = 30LL * 1'000'000'000;   // QUEUED never picked up by the router -> TIMEOUT
  int64_t quote_max_age_ns = 30LL * 1'000'000'000;    // older quotes are not used as close prices
  size_t max_message_bytes = 64 * 1024;
  int sweep_batch = 500;
};

class ConfirmListener {
 public:
  ConfirmListener(store::Database& db, const SymbolTable& symbols, ListenerOptions options, runtime::Health& health);

  // One message received on 5558 (the EA sends single frames).
  void on_frames(const std::vector<std::string>& frames, int64_t now_ns, Events& out);
  void on_payload(std::string_view payload, int64_t now_ns, Events& out);
  // The fire-timeout sweep (call on a timer).
  void sweep(int64_t now_ns, Events& out);
  // Live quotes (optional) for close prices.
  void on_quote(std::string_view symbol, double bid, double ask, int64_t time_ns) {
    quotes_.update(symbol, bid, ask, time_ns);
  }

 private:
  void on_fire_confirmation(const ea::Confirmation& c, int64_t now_ns, Events& out);
  // false when the database refused the write; the confirmation is then kept in pending_.
  bool apply_fire_confirmation(const ea::Confirmation& c, int64_t now_ns, Events& out);
  void retry_pending(int64_t now_ns, Events& out);
  void on_close_confirmation(const ea::CloseConfirmation& c, int64_t now_ns, Events& out);
  void on_pong(const ea::Pong& p, int64_t now_ns, Events& out);

  store::Database& db_;
  const SymbolTable& symbols_;
  ListenerOptions opt_;
  runtime::Health& health_;
  ea::Decoder decoder_;
  QuoteBook quotes_;
  // Fire confirmations the database refused (busy, full, I/O), retried in order on every sweep.
  static constexpr size_t kMaxPendingConfirmations = 100'000;
  std::deque<ea::Confirmation> pending_;

 public:
  size_t pending_confirmations() const { return pending_.size(); }
};

// Milliseconds since the epoch carried at the end of a ping_id ("ping_1757965280123" or the
// original's seconds "ping_1757965280"), or -1.
int64_t ping_id_time_ms(std::string_view ping_id);

}  // namespace bitten::execution

#pragma once
// A simulated MT5 broker account behind one simulated EA: market orders at ask (BUY) / bid (SELL)
// with slippage, SL/TP hit from the replayed quotes (BUY closes on bid, SELL on ask), equity marked
// to market with pip values from the SymbolTable, increasing 8-digit tickets, and the trade
// server's rejections (invalid volume, no money, market closed, random seeded rejects).
//
// The v2.05 EA reports none of the SL/TP closes; history() is the simulator's own record, so tests
// can compare it with what the server infers.
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bitten/core/symbols.hpp"

namespace bitten::ea_sim {

// MT5 trade server return codes used here.
inline constexpr int kRetcodeReject = 10006;
inline constexpr int kRetcodeDone = 10009;
inline constexpr int kRetcodeInvalidVolume = 10014;
inline constexpr int kRetcodeMarketClosed = 10018;
inline constexpr int kRetcodeNoMoney = 10019;
// GetLastError() after a failed OrderSend (ERR_TRADE_SEND_FAILED).
inline constexpr int kErrTradeSendFailed = 4756;

struct BrokerConfig {
  std::string currency = "USD";
  double balance = 10'000;
  int64_t leverage = 500;
  double slippage_points = 0;         // always against the trader
  double random_slippage_points = 0;  // plus uniform 0..N points (whole points), seeded
  double reject_rate = 0;             // probability of a random 10006 reject, seeded
  int64_t market_closed_after_s = 300;  // no quote for this long (replay time) = market closed
  int64_t first_ticket = 0;           // 0 = a seeded 8-digit start
  uint64_t seed = 1;
};

enum class CloseReason { StopLoss, TakeProfit, CloseTicket, CloseAll };
const char* to_string(CloseReason r);  // "SL_HIT" "TP_HIT" "CLOSE_TICKET" "CLOSE_ALL"

struct SimPosition {
  int64_t ticket = 0;
  std::string symbol;
  std::string comment;  // the fire_id (MT5 order comment)
  int64_t magic = 0;
  bool is_buy = true;
  double volume = 0;
  double open_price = 0;
  double sl = 0;
  double tp = 0;
  int64_t open_time_ns = 0;
  double profit = 0;  // marked to market, account currency
};

struct ClosedTrade {
  SimPosition position;
  double close_price = 0;
  int64_t close_time_ns = 0;
  CloseReason reason = CloseReason::CloseTicket;
  double profit = 0;
};

struct OrderRequest {
  std::string symbol;
  bool is_buy = true;
  double volume = 0;
  double sl = 0;
  double tp = 0;
  std::string comment;
  int64_t magic = 0;
};

struct OrderResult {
  bool ok = false;
  int retcode = 0;
  int64_t ticket = 0;  // result.order
  double price = 0;    // fill price
  double volume = 0;
  std::string reason;  // for the log
};

struct AccountState {
  double balance = 0;
  double equity = 0;
  double margin = 0;
  double free_margin = 0;
  double margin_level = 0;  // equity / margin * 100, 0 without positions (as MT5 reports)
};

class SimBroker {
 public:
  SimBroker(const SymbolTable& symbols, BrokerConfig config);

  // A new quote: marks positions, then closes those whose SL or TP the quote reached.
  void on_quote(const std::string& symbol, double bid, double ask, int64_t time_ns);
  // Replay time moved on (for the market-closed check).
  void set_time(int64_t time_ns) { now_ns_ = time_ns; }

  OrderResult market_order(const OrderRequest& request);
  // Closes one position at the current bid (BUY) / ask (SELL). nullopt: no quote / market closed.
  std::optional<ClosedTrade> close_position(int64_t ticket, CloseReason reason);

  const SimPosition* find(int64_t ticket) const;
  const std::vector<SimPosition>& positions() const { return positions_; }
  const std::vector<ClosedTrade>& history() const { return history_; }
  AccountState account() const;
  const BrokerConfig& config() const { return config_; }
  bool market_open(const std::string& symbol) const;

  // Money in `currency` converted to the account currency through the latest quotes.
  std::optional<double> to_account(double amount, const std::string& currency) const;
  std::optional<double> margin_required(const std::string& symbol, double volume, double price) const;
  // Profit of a position at a close price (pip value from the SymbolTable).
  std::optional<double> profit_at(const SimPosition& p, double close_price) const;

 private:
  struct Last {
    double bid = 0, ask = 0;
    int64_t time_ns = 0;
  };
  double slippage(const SymbolSpec& spec);
  void remark();

  const SymbolTable& symbols_;
  BrokerConfig config_;
  std::mt19937_64 rng_;
  std::map<std::string, Last, std::less<>> last_;
  std::vector<SimPosition> positions_;
  std::vector<ClosedTrade> history_;
  double balance_ = 0;
  int64_t next_ticket_ = 0;
  int64_t now_ns_ = 0;
};

}  // namespace bitten::ea_sim

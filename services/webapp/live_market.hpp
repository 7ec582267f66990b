#pragma once
// What the webapp knows of the market from 5560: the latest quote per symbol (for the risk
// engine's sizing and spread checks) and recent M1/M5/M15 bars per symbol built with the shared
// BarBuilder from ticks and EA bars (for the signal charts).
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bitten/market/bar_builder.hpp"
#include "bitten/risk/engine.hpp"

namespace bitten::webapp {

class LiveMarket {
 public:
  explicit LiveMarket(size_t bars_keep) : keep_(bars_keep) {}

  // time_ns (event time) builds the bars; recv_ns (our clock) stamps the quote the risk engine
  // judges for freshness. recv_ns = 0 means "same as time_ns".
  void on_tick(const std::string& symbol, double bid, double ask, int64_t time_ns, int64_t recv_ns = 0);
  void on_ea_bar(const std::string& symbol, const market::EaBar& bar);

  std::optional<risk::Quote> quote(std::string_view symbol) const;
  // Closed bars (oldest first) plus the forming one, at most `limit`.
  std::vector<market::Bar> bars(const std::string& symbol, market::Timeframe tf, size_t limit) const;
  size_t symbols() const { return per_symbol_.size(); }

 private:
  struct PerSymbol {
    market::BarBuilder builder;
    std::map<market::Timeframe, std::deque<market::Bar>> closed;
  };
  void apply(PerSymbol& s, const std::vector<market::BarEvent>& events);
  size_t keep_;
  std::map<std::string, risk::Quote, std::less<>> quotes_;
  std::map<std::string, PerSymbol> per_symbol_;
};

std::optional<market::Timeframe> parse_timeframe(std::string_view tf);

}  // namespace bitten::webapp

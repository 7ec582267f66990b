#pragma once
// The latest bid/ask per symbol from the bridge's tick.<SYMBOL> stream, as the risk engine's
// QuoteSource. Owned by one thread.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bitten/risk/engine.hpp"

namespace bitten::execution {

class QuoteBook {
 public:
  // time_ns: arrival (our clock); event_ns: the tick's market time.
  void update(std::string_view symbol, double bid, double ask, int64_t time_ns, int64_t event_ns = 0);
  std::optional<risk::Quote> get(std::string_view symbol) const;
  // A QuoteSource reading this book (valid while the book lives).
  risk::QuoteSource source() const;
  size_t size() const { return quotes_.size(); }

 private:
  std::map<std::string, risk::Quote, std::less<>> quotes_;
};

}  // namespace bitten::execution

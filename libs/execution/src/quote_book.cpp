#include "bitten/execution/quote_book.hpp"

namespace bitten::execution {

void QuoteBook::update(std::string_view symbol, double bid, double ask, int64_t time_ns, int64_t event_ns) {
  auto it = quotes_.find(symbol);
  if (it == quotes_.end()) it = quotes_.emplace(std::string(symbol), risk::Quote{}).first;
  if (time_ns >= it->second.time_ns) it->second = risk::Quote{bid, ask, time_ns, event_ns};
}

std::optional<risk::Quote> QuoteBook::get(std::string_view symbol) const {
  auto it = quotes_.find(symbol);
  if (it == quotes_.end()) return std::nullopt;
  return it->second;
}

risk::QuoteSource QuoteBook::source() const {
  return [this](std::string_view symbol) { return get(symbol); };
}

}  // namespace bitten::execution

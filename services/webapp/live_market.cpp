#include "live_market.hpp"

#include <algorithm>

namespace bitten::webapp {

std::optional<market::Timeframe> parse_timeframe(std::string_view tf) {
  if (tf == "M1") return market::Timeframe::M1;
  if (tf == "M5") return market::Timeframe::M5;
  if (tf == "M15") return market::Timeframe::M15;
  return std::nullopt;
}

void LiveMarket::apply(PerSymbol& s, const std::vector<market::BarEvent>& events) {
  for (const auto& ev : events) {
    auto& dq = s.closed[ev.bar.timeframe];
    if (ev.kind == market::BarEventKind::Corrected) {
      // Replace the bar of that period if we still hold it, else insert it in time order.
      auto it = std::find_if(dq.begin(), dq.end(), [&](const market::Bar& b) { return b.open_time_ns == ev.bar.open_time_ns; });
      if (it != dq.end()) {
        *it = ev.bar;
        continue;
      }
      auto pos = std::upper_bound(dq.begin(), dq.end(), ev.bar.open_time_ns,
                                  [](int64_t t, const market::Bar& b) { return t < b.open_time_ns; });
      dq.insert(pos, ev.bar);
    } else {
      dq.push_back(ev.bar);
    }
    while (dq.size() > keep_) dq.pop_front();
  }
}

void LiveMarket::on_tick(const std::string& symbol, double bid, double ask, int64_t time_ns, int64_t recv_ns) {
  quotes_[symbol] = risk::Quote{bid, ask, recv_ns ? recv_ns : time_ns, time_ns};
  auto& s = per_symbol_[symbol];
  apply(s, s.builder.on_tick(market::Tick{time_ns, bid, ask}));
}

void LiveMarket::on_ea_bar(const std::string& symbol, const market::EaBar& bar) {
  auto& s = per_symbol_[symbol];
  apply(s, s.builder.on_ea_bar(bar));
}

std::optional<risk::Quote> LiveMarket::quote(std::string_view symbol) const {
  auto it = quotes_.find(symbol);
  if (it == quotes_.end()) return std::nullopt;
  return it->second;
}

std::vector<market::Bar> LiveMarket::bars(const std::string& symbol, market::Timeframe tf, size_t limit) const {
  std::vector<market::Bar> out;
  auto it = per_symbol_.find(symbol);
  if (it == per_symbol_.end()) return out;
  if (auto c = it->second.closed.find(tf); c != it->second.closed.end()) out.assign(c->second.begin(), c->second.end());
  if (auto f = it->second.builder.forming(tf)) {
    if (out.empty() || f->open_time_ns > out.back().open_time_ns) out.push_back(*f);
  }
  if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
  return out;
}

}  // namespace bitten::webapp

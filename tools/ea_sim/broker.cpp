#include "broker.hpp"

#include <algorithm>
#include <cmath>

namespace bitten::ea_sim {

const char* to_string(CloseReason r) {
  switch (r) {
    case CloseReason::StopLoss: return "SL_HIT";
    case CloseReason::TakeProfit: return "TP_HIT";
    case CloseReason::CloseTicket: return "CLOSE_TICKET";
    case CloseReason::CloseAll: return "CLOSE_ALL";
  }
  return "?";
}

SimBroker::SimBroker(const SymbolTable& symbols, BrokerConfig config)
    : symbols_(symbols), config_(std::move(config)), rng_(config_.seed), balance_(config_.balance) {
  if (config_.first_ticket > 0) {
    next_ticket_ = config_.first_ticket;
  } else {
    // An 8-digit ticket somewhere a real server's counter might be, leaving room to grow.
    next_ticket_ = 20'000'000 + static_cast<int64_t>(rng_() % 50'000'000);
  }
}

bool SimBroker::market_open(const std::string& symbol) const {
  auto it = last_.find(symbol);
  if (it == last_.end() || it->second.bid <= 0 || it->second.ask <= 0) return false;
  return now_ns_ - it->second.time_ns <= config_.market_closed_after_s * 1'000'000'000LL;
}

std::optional<double> SimBroker::to_account(double amount, const std::string& currency) const {
  if (currency == config_.currency) return amount;
  auto mid = [&](const std::string& sym) -> std::optional<double> {
    auto it = last_.find(sym);
    if (it == last_.end() || it->second.bid <= 0) return std::nullopt;
    return (it->second.bid + it->second.ask) / 2;
  };
  if (auto p = mid(currency + config_.currency)) return amount * *p;
  if (auto p = mid(config_.currency + currency); p && *p > 0) return amount / *p;
  return std::nullopt;
}

std::optional<double> SimBroker::margin_required(const std::string& symbol, double volume, double price) const {
  const SymbolSpec* s = symbols_.find(symbol);
  if (!s) return std::nullopt;
  // Forex/CFD leverage margin: volume * contract in the base currency, converted, / leverage.
  std::optional<double> base_value = to_account(volume * s->contract_size, s->base);
  if (!base_value && s->quote == config_.currency) base_value = volume * s->contract_size * price;
  if (!base_value) return std::nullopt;
  return *base_value / static_cast<double>(std::max<int64_t>(1, config_.leverage));
}

std::optional<double> SimBroker::profit_at(const SimPosition& p, double close_price) const {
  const SymbolSpec* s = symbols_.find(p.symbol);
  if (!s) return std::nullopt;
  auto pip_value = symbols_.pip_value_per_lot(p.symbol, config_.currency, [&](std::string_view sym) -> std::optional<double> {
    auto it = last_.find(sym);
    if (it == last_.end() || it->second.bid <= 0) return std::nullopt;
    return (it->second.bid + it->second.ask) / 2;
  });
  if (!pip_value) return std::nullopt;
  const double pips = s->price_to_pips(p.is_buy ? close_price - p.open_price : p.open_price - close_price);
  return pips * *pip_value * p.volume;
}

double SimBroker::slippage(const SymbolSpec& spec) {
  double points = config_.slippage_points;
  if (config_.random_slippage_points > 0) {
    std::uniform_int_distribution<int> d(0, static_cast<int>(config_.random_slippage_points));
    points += d(rng_);
  }
  return points * spec.point;
}

OrderResult SimBroker::market_order(const OrderRequest& r) {
  OrderResult res;
  const SymbolSpec* spec = symbols_.find(r.symbol);
  if (!spec || !market_open(r.symbol)) {
    res.retcode = kRetcodeMarketClosed;
    res.reason = "market closed (no recent quote for " + r.symbol + ")";
    return res;
  }
  // The EA does not normalise the lot, so the server refuses off-step volumes.
  const double steps = r.volume / spec->volume_step;
  if (!(r.volume >= spec->volume_min - 1e-9) || r.volume > spec->volume_max + 1e-9 ||
      std::fabs(steps - std::round(steps)) > 1e-6) {
    res.retcode = kRetcodeInvalidVolume;
    res.reason = "invalid volume";
    return res;
  }
  if (config_.reject_rate > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < config_.reject_rate) {
    res.retcode = kRetcodeReject;
    res.reason = "random reject";
    return res;
  }
  const Last& q = last_.find(r.symbol)->second;
  const double slip = slippage(*spec);
  const double price = spec->round_price(r.is_buy ? q.ask + slip : q.bid - slip);
  const auto margin = margin_required(r.symbol, r.volume, price);
  const AccountState acc = account();
  if (!margin || *margin > acc.free_margin) {
    res.retcode = kRetcodeNoMoney;
    res.reason = margin ? "not enough money" : "no conversion quote for margin";
    return res;
  }
  SimPosition p;
  p.ticket = next_ticket_;
  next_ticket_ += 1 + static_cast<int64_t>(rng_() % 7);  // other clients' orders interleave
  p.symbol = r.symbol;
  p.comment = r.comment;
  p.magic = r.magic;
  p.is_buy = r.is_buy;
  p.volume = r.volume;
  p.open_price = price;
  p.sl = r.sl;
  p.tp = r.tp;
  p.open_time_ns = now_ns_;
  positions_.push_back(p);
  remark();
  res.ok = true;
  res.retcode = kRetcodeDone;
  res.ticket = p.ticket;
  res.price = price;
  res.volume = r.volume;
  return res;
}

std::optional<ClosedTrade> SimBroker::close_position(int64_t ticket, CloseReason reason) {
  auto it = std::find_if(positions_.begin(), positions_.end(), [&](const SimPosition& p) { return p.ticket == ticket; });
  if (it == positions_.end() || !market_open(it->symbol)) return std::nullopt;
  const SymbolSpec* spec = symbols_.find(it->symbol);
  const Last& q = last_.find(it->symbol)->second;
  double price;
  if (reason == CloseReason::StopLoss || reason == CloseReason::TakeProfit) {
    price = it->is_buy ? q.bid : q.ask;  // a stop fills at the market price that reached it
  } else {
    const double slip = slippage(*spec);
    price = spec->round_price(it->is_buy ? q.bid - slip : q.ask + slip);
  }
  ClosedTrade c;
  c.position = *it;
  c.close_price = price;
  c.close_time_ns = now_ns_;
  c.reason = reason;
  c.profit = profit_at(*it, price).value_or(0);
  balance_ += c.profit;
  positions_.erase(it);
  history_.push_back(c);
  remark();
  return c;
}

void SimBroker::on_quote(const std::string& symbol, double bid, double ask, int64_t time_ns) {
  now_ns_ = std::max(now_ns_, time_ns);
  auto it = last_.find(symbol);
  if (it == last_.end()) it = last_.emplace(symbol, Last{}).first;
  it->second = Last{bid, ask, time_ns};
  // SL/TP: BUY positions close on the bid, SELL on the ask; SL wins a tie.
  std::vector<std::pair<int64_t, CloseReason>> hits;
  for (const auto& p : positions_) {
    if (p.symbol != symbol) continue;
    const double px = p.is_buy ? bid : ask;
    const bool sl_hit = p.sl > 0 && (p.is_buy ? px <= p.sl : px >= p.sl);
    const bool tp_hit = p.tp > 0 && (p.is_buy ? px >= p.tp : px <= p.tp);
    if (sl_hit) hits.emplace_back(p.ticket, CloseReason::StopLoss);
    else if (tp_hit) hits.emplace_back(p.ticket, CloseReason::TakeProfit);
  }
  for (const auto& [ticket, reason] : hits) close_position(ticket, reason);
  remark();
}

void SimBroker::remark() {
  for (auto& p : positions_) {
    auto it = last_.find(p.symbol);
    if (it == last_.end()) continue;
    p.profit = profit_at(p, p.is_buy ? it->second.bid : it->second.ask).value_or(p.profit);
  }
}

AccountState SimBroker::account() const {
  AccountState a;
  a.balance = balance_;
  a.equity = balance_;
  for (const auto& p : positions_) {
    a.equity += p.profit;
    a.margin += margin_required(p.symbol, p.volume, p.open_price).value_or(0);
  }
  a.free_margin = a.equity - a.margin;
  a.margin_level = a.margin > 0 ? a.equity / a.margin * 100.0 : 0.0;
  return a;
}

const SimPosition* SimBroker::find(int64_t ticket) const {
  for (const auto& p : positions_)
    if (p.ticket == ticket) return &p;
  return nullptr;
}

}  // namespace bitten::ea_sim

#include "bitten/risk/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bitten/risk/reasons.hpp"
#include "bitten/store/day.hpp"

namespace bitten::risk {

std::string_view to_string(FireMode m) { return m == FireMode::Auto ? "AUTO" : "MANUAL"; }

namespace {

constexpr int64_t kNsPerSec = 1'000'000'000LL;

RiskDecision refuse(std::string_view reason, std::string detail) {
  RiskDecision d;
  d.reason = std::string(reason);
  d.detail = std::move(detail);
  return d;
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

RiskDecision evaluate(const RiskConfig& cfg, const SymbolTable& symbols, const FireRequest& req,
                      const RiskSnapshot& s) {
  const bool is_auto = req.mode == FireMode::Auto;
  // 1. Kill switches.
  if (s.global_halt) return refuse(reason::kGlobalHalt, "trading is halted: " + s.global_halt_reason);
  if (!s.user) return refuse(reason::kUserNotFound, "unknown user " + req.user_id);
  if (s.user->halted) return refuse(reason::kUserHalted, "trading is halted for this user: " + s.user->halt_reason);

  // 2. Tier permission.
  const TierLimits* tier = cfg.tier(s.user->tier);
  if (!tier) return refuse(reason::kTierUnknown, "tier " + s.user->tier + " is not in risk.json");
  if (tier->read_only()) return refuse(reason::kTierReadOnly, "tier " + tier->name + " is read-only");
  if (!is_auto && !tier->can_manual) return refuse(reason::kManualNotAllowed, "tier " + tier->name + " cannot fire manually");
  if (is_auto && !tier->can_auto) return refuse(reason::kAutoNotAllowed, "tier " + tier->name + " cannot auto-fire");
  if (is_auto && s.user_mode != "AUTO") return refuse(reason::kAutoModeOff, "user is in " + s.user_mode + " mode");

  // 3. Mission and its signal.
  if (!s.mission || s.mission->user_id != s.user->user_id || !s.signal)
    return refuse(reason::kMissionNotFound, "no mission " + req.mission_id + " for this user");
  const auto& sig = *s.signal;
  // Both on the clock the mission was offered by (the signal's event time may be a replay's): a
  // stored expiry can never stretch the configured lifetime.
  const int64_t expiry_ns = std::min(s.mission->expires_ns, s.mission->created_ns + cfg.mission_expiry_s * kNsPerSec);
  if (req.now_ns >= expiry_ns)
    return refuse(reason::kMissionExpired, "mission expired " + std::to_string((req.now_ns - expiry_ns) / kNsPerSec) + " s ago");
  // And in market time: once the market has moved a mission's lifetime past the signal (a replay's
  // fast warm-up history, a backlog after an outage), the setup is gone whatever our clock says.
  if (s.quotes) {
    if (auto q = s.quotes(sig.symbol); q && q->event_ns > 0 && q->event_ns - sig.detected_ns >= cfg.mission_expiry_s * kNsPerSec)
      return refuse(reason::kMissionExpired, "the market is " + std::to_string((q->event_ns - sig.detected_ns) / kNsPerSec) +
                                                 " s past the signal");
  }
  if (!tier->classes.count(sig.signal_class))
    return refuse(reason::kSignalClassNotAllowed, "tier " + tier->name + " may not fire " + sig.signal_class + " signals");
  if (is_auto) {
    if (sig.probability) {
      // The user's own minimum when set (0.5-0.99, validated where it is stored), else the fleet's.
      const double min_p = s.auto_min_probability.value_or(cfg.auto_min_probability);
      if (*sig.probability < min_p)
        return refuse(reason::kAutoProbabilityTooLow,
                      "probability " + fmt(*sig.probability) + " < " + fmt(min_p));
    } else if (!cfg.auto_allow_cold_start || sig.confidence < cfg.auto_cold_start_min_confidence) {
      return refuse(reason::kAutoProbabilityTooLow, "no model probability (cold start); rule confidence " +
                                                        fmt(sig.confidence));
    }
  }
  if (s.mission_live_fire)
    return refuse(reason::kMissionAlreadyFired, "fire " + *s.mission_live_fire + " already holds this mission");

  // 4. The EA that will execute.
  if (!s.ea) return refuse(reason::kEaNotLinked, "no EA is bound to this user");
  if (s.ea->blocked) return refuse(reason::kEaBlocked, "EA " + s.ea->uuid + " is blocked (duplicate identity)");
  if (req.now_ns - s.ea->last_seen_ns > cfg.ea_ttl_s * kNsPerSec)
    return refuse(reason::kEaOffline, "EA " + s.ea->uuid + " last seen " +
                                          std::to_string((req.now_ns - s.ea->last_seen_ns) / kNsPerSec) + " s ago");

  // 5. Exposure: slots, hedging, daily limits.
  const int used = static_cast<int>(s.open_positions.size() + s.in_flight.size());
  if (used >= tier->slots)
    return refuse(reason::kSlotsFull, std::to_string(used) + " of " + std::to_string(tier->slots) + " slots in use");
  for (const auto* list : {&s.open_positions, &s.in_flight})
    for (const auto& e : *list)
      if (e.symbol == sig.symbol && e.direction != sig.direction)
        return refuse(reason::kOppositePosition, "fire " + e.fire_id + " is " + e.direction + " " + e.symbol);
  if (s.trades_today >= tier->max_trades_per_day)
    return refuse(reason::kMaxTradesPerDay, std::to_string(s.trades_today) + " trades today, limit " +
                                                std::to_string(tier->max_trades_per_day));
  const bool sod_is_today = s.ea->sod_equity && s.ea->sod_day && *s.ea->sod_day == store::utc_day(req.now_ns);
  const double sod = sod_is_today ? *s.ea->sod_equity : s.ea->equity;
  const double loss = std::max(sod - s.ea->equity, -s.realized_pnl_today);
  const double loss_limit = sod * tier->daily_loss_pct / 100.0;
  if (loss_limit > 0 && loss >= loss_limit)
    return refuse(reason::kDailyLossLimit, "down " + fmt(loss) + " today, limit " + fmt(loss_limit) + " (" +
                                               fmt(tier->daily_loss_pct) + "% of " + fmt(sod) + ")");

  // 6. Market: symbol, live quote, spread, stop and target still on the right side.
  const SymbolSpec* spec = symbols.find(sig.symbol);
  if (!spec) return refuse(reason::kUnknownSymbol, "no symbol spec for " + sig.symbol);
  std::optional<Quote> q = s.quotes ? s.quotes(sig.symbol) : std::nullopt;
  if (!q || !(q->bid > 0) || !(q->ask >= q->bid)) return refuse(reason::kQuoteUnavailable, "no live quote for " + sig.symbol);
  if (q->time_ns > 0 && req.now_ns - q->time_ns > cfg.quote_max_age_s * kNsPerSec)
    return refuse(reason::kQuoteUnavailable, "quote for " + sig.symbol + " is " +
                                                 std::to_string((req.now_ns - q->time_ns) / kNsPerSec) + " s old");
  const double spread_pips = spec->price_to_pips(q->ask - q->bid);
  const double max_spread = cfg.max_spread_pips(sig.symbol);
  if (spread_pips > max_spread + 1e-9)
    return refuse(reason::kSpreadTooWide, "spread " + fmt(spread_pips) + " pips > " + fmt(max_spread));
  if (cfg.spread_max_atr_fraction > 0 && sig.atr_pips > 0 && spread_pips > cfg.spread_max_atr_fraction * sig.atr_pips + 1e-9)
    return refuse(reason::kSpreadTooWide, "spread " + fmt(spread_pips) + " pips > " + fmt(cfg.spread_max_atr_fraction) +
                                              " x ATR " + fmt(sig.atr_pips));
  const bool buy = sig.direction == "BUY";
  const double price = buy ? q->ask : q->bid;
  if (buy ? price <= sig.sl : price >= sig.sl)
    return refuse(reason::kStopBreached, "price " + fmt(price) + " is already through the stop " + fmt(sig.sl));
  if (buy ? price >= sig.tp : price <= sig.tp)
    return refuse(reason::kTargetPassed, "price " + fmt(price) + " is already past the target " + fmt(sig.tp));

  // 7. Size: risk % of the EA-reported balance over the stop distance, capped, normalised DOWN.
  if (!(s.ea->balance > 0)) return refuse(reason::kNoBalance, "EA reports no balance");
  const std::string ccy = s.ea->currency.empty() ? "USD" : s.ea->currency;
  const QuoteLookup mid = [&](std::string_view sym) -> std::optional<double> {
    if (!s.quotes) return std::nullopt;
    auto c = s.quotes(sym);
    if (!c || !(c->bid > 0) || !(c->ask > 0)) return std::nullopt;
    return (c->bid + c->ask) / 2;
  };
  const auto pip_value = symbols.pip_value_per_lot(sig.symbol, ccy, mid);
  if (!pip_value || !(*pip_value > 0))
    return refuse(reason::kQuoteUnavailable, "no quote to convert " + spec->quote + " to " + ccy);
  const double stop_pips = spec->price_to_pips(std::fabs(price - sig.sl));
  const double budget = s.ea->balance * tier->risk_pct / 100.0;
  const double raw_lot = budget / (stop_pips * *pip_value);
  const double lot = spec->normalize_volume_down(std::min(raw_lot, tier->max_lot));
  if (!(lot > 0))
    return refuse(reason::kLotBelowMinimum, "risk " + fmt(budget) + " " + ccy + " over " + fmt(stop_pips) +
                                                " pips sizes " + fmt(raw_lot) + " lots, below the minimum " +
                                                fmt(spec->volume_min));

  RiskDecision d;
  d.approved = true;
  ApprovedOrder o;
  o.ea_uuid = s.ea->uuid;
  o.symbol = sig.symbol;
  o.direction = sig.direction;
  o.lot = lot;
  o.entry = 0;
  o.sl = spec->round_price(sig.sl);
  o.tp = spec->round_price(sig.tp);
  o.price = price;
  o.stop_pips = stop_pips;
  o.spread_pips = spread_pips;
  o.pip_value_per_lot = *pip_value;
  o.balance = s.ea->balance;
  o.risk_pct = tier->risk_pct;
  o.risk_amount = lot * stop_pips * *pip_value;
  o.slots_used = used;
  o.slots_max = tier->slots;
  d.order = std::move(o);
  return d;
}

}  // namespace bitten::risk

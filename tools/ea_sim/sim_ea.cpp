#include "sim_ea.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "bitten/core/time.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "bitten/ea/protocol.hpp"
#include "replay.hpp"

namespace bitten::ea_sim {

namespace {
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0 && a < 0) ? 1 : 0); }
int64_t to_s(int64_t t_ns) { return floor_div(t_ns, kNsPerSecond); }
constexpr int64_t kPeriods[3] = {60, 300, 900};
constexpr const char* kTfNames[3] = {"M1", "M5", "M15"};
}  // namespace

void SimEa::BarTrack::update(int64_t t_s, double bid) {
  const int64_t start = floor_div(t_s, period_s) * period_s;
  if (!has_cur || start != cur_start) {
    if (has_cur) {
      has_prev = true;
      prev_start = cur_start;
      std::copy(cur, cur + 4, prev);
    }
    has_cur = true;
    cur_start = start;
    cur[0] = cur[1] = cur[2] = cur[3] = bid;
    return;
  }
  cur[1] = std::max(cur[1], bid);
  cur[2] = std::min(cur[2], bid);
  cur[3] = bid;
}

SimEa::SimEa(const SymbolTable& symbols, SimEaConfig config, std::shared_ptr<spdlog::logger> log)
    : symbols_(symbols),
      config_(std::move(config)),
      log_(std::move(log)),
      broker_(symbols, config_.broker),
      rng_(config_.seed ^ 0x9e3779b97f4a7c15ULL),
      node_id_(config_.node_id) {
  for (const auto& name : config_.symbols) {
    SymbolState s;
    s.name = name;
    if (const SymbolSpec* spec = symbols_.find(name)) s.digits = spec->digits;
    for (int k = 0; k < 3; ++k) s.bars[k].period_s = kPeriods[k];
    state_.push_back(std::move(s));
  }
  if (config_.chart_symbol >= state_.size()) config_.chart_symbol = 0;
}

std::string SimEa::broker_time(int64_t utc_s) const { return format_ea_datetime(utc_s + config_.broker_offset_s); }

ea::EaAccount SimEa::account_snapshot() const {
  const AccountState a = broker_.account();
  ea::EaAccount acc;
  acc.node_id = node_id_;
  acc.user_uuid = config_.uuid;
  acc.account = config_.login;
  acc.currency = config_.broker.currency;
  acc.balance = a.balance;
  acc.equity = a.equity;
  acc.free_margin = a.free_margin;
  acc.margin_level = a.margin_level;
  return acc;
}

void SimEa::start(int64_t t_ns, std::vector<Outbound>& out) {
  const int64_t now_s = to_s(t_ns);
  started_s_ = now_s;
  broker_.set_time(t_ns);
  const std::string ts = broker_time(now_s);
  const AccountState a = broker_.account();

  ea::Handshake h;
  h.deployment_mode = "universal_dealer";
  h.node_id = node_id_;
  h.user_uuid = config_.uuid;
  h.account = config_.login;
  h.broker = config_.company;
  h.server = config_.server;
  h.chart_symbol = state_.empty() ? "" : state_[config_.chart_symbol].name;
  h.monitored_symbols = static_cast<int64_t>(state_.size());
  for (size_t i = 0; i < state_.size() && i < 20; ++i) h.symbol_list += (i ? "," : "") + state_[i].name;
  h.currency = config_.broker.currency;
  h.balance = a.balance;
  h.equity = a.equity;
  h.leverage = config_.broker.leverage;
  h.version = ea::kEaVersion;
  h.socket_type = "DEALER";
  h.timestamp = ts;
  send_telemetry(ea::ea_encode_handshake(h, config_.format), out);

  ea::Hello hello;
  hello.target_uuid = config_.uuid;
  hello.node_id = node_id_;
  hello.account_login = std::to_string(config_.login);
  hello.broker = config_.server;
  hello.company = config_.company;
  hello.terminal = config_.terminal;
  hello.currency = config_.broker.currency;
  hello.balance = a.balance;
  hello.equity = a.equity;
  hello.leverage = config_.broker.leverage;
  hello.margin = a.margin;
  hello.free_margin = a.free_margin;
  hello.margin_level = a.margin_level;
  hello.symbols = static_cast<int64_t>(state_.size());
  hello.version = ea::kEaVersion;
  hello.timestamp = ts;
  out.push_back({Channel::Dealer, ea::ea_encode_hello(hello, config_.format)});

  last_timer_s_ = now_s;
  next_heartbeat_s_ = now_s + config_.heartbeat_period_s;
  next_ohlc_s_ = config_.ohlc_align_to_minute ? (floor_div(now_s, 60) + 1) * 60 : now_s + config_.ohlc_period_s;
}

void SimEa::stop(int64_t t_ns, std::vector<Outbound>& out) {
  ea::Disconnect d;
  d.deployment_mode = "universal_dealer";
  d.node_id = node_id_;
  d.user_uuid = config_.uuid;
  d.symbols_monitored = static_cast<int64_t>(state_.size());
  d.ticks_processed = ticks_processed_;
  d.socket_type = "DEALER";
  d.timestamp = broker_time(to_s(t_ns));
  send_telemetry(ea::ea_encode_disconnect(d, config_.format), out);
}

void SimEa::restart(int64_t t_ns, std::vector<Outbound>& out) {
  // A terminal restart: GetTickCount moved on, so node_id changes; counters restart at 0.
  ++restarts_;
  node_id_ = config_.node_id + std::to_string(restarts_);
  ticks_processed_ = 0;
  for (auto& s : state_) s.sent_time_s = INT64_MIN;
  start(t_ns, out);
}

void SimEa::send_telemetry(std::string payload, std::vector<Outbound>& out) {
  if (config_.faults.malformed_rate > 0 &&
      std::uniform_real_distribution<double>(0, 1)(rng_) < config_.faults.malformed_rate) {
    payload = malformed(payload);
    ++counters_.malformed_sent;
  }
  out.push_back({Channel::Telemetry, std::move(payload)});
}

std::string SimEa::malformed(const std::string& payload) {
  switch (rng_() % 4) {
    case 0: return payload.substr(0, payload.size() / 2);  // truncated
    case 1: return "OHLC garbage " + std::to_string(rng_() % 1000);  // legacy text prefix, not JSON
    case 2: {  // a timestamp the server cannot parse
      std::string p = payload;
      if (auto pos = p.find("\"timestamp\":\""); pos != std::string::npos) p.replace(pos + 13, 4, "20XX");
      return p;
    }
    default: return std::string();  // an empty frame
  }
}

void SimEa::send_reply(std::string payload, int64_t t_ns, std::vector<Outbound>& out) {
  if (config_.faults.confirm_drop_rate > 0 &&
      std::uniform_real_distribution<double>(0, 1)(rng_) < config_.faults.confirm_drop_rate) {
    ++counters_.replies_dropped;
    if (log_) log_->warn("{}: fault injection: reply dropped: {}", config_.uuid, payload);
    return;
  }
  if (config_.faults.confirm_delay_ms > 0) {
    ++counters_.replies_delayed;
    delayed_.emplace_back(t_ns + config_.faults.confirm_delay_ms * 1'000'000, std::move(payload));
    return;
  }
  out.push_back({Channel::Confirm, std::move(payload)});
}

void SimEa::on_time(int64_t t_ns, std::vector<Outbound>& out) {
  while (!delayed_.empty() && delayed_.front().first <= t_ns) {
    out.push_back({Channel::Confirm, std::move(delayed_.front().second)});
    delayed_.pop_front();
  }
  const int64_t s = to_s(t_ns);
  if (s <= last_timer_s_) return;
  last_timer_s_ = s;
  broker_.set_time(t_ns);
  run_timer(s, out);
}

void SimEa::run_timer(int64_t s, std::vector<Outbound>& out) {
  // TICK snapshots: every MarketWatch symbol whose tick time moved since the last one sent.
  if (!idle_) {
    for (auto& st : state_) {
      if (st.tick_time_s == INT64_MIN || st.tick_time_s <= st.sent_time_s) continue;
      st.sent_time_s = st.tick_time_s;
      ea::Tick t;
      t.node_id = node_id_;
      t.user_uuid = config_.uuid;
      t.symbol = st.name;
      t.bid = st.bid;
      t.ask = st.ask;
      t.spread = ea::ea_spread_points(st.bid, st.ask, st.digits);
      t.volume = 0;
      t.timestamp = broker_time(st.tick_time_s);
      send_telemetry(ea::ea_encode_tick(t, st.digits, config_.format), out);
    }
  }
  if (s >= next_heartbeat_s_) {
    next_heartbeat_s_ = s + config_.heartbeat_period_s;
    const bool stopped = config_.faults.stop_heartbeats_after_s >= 0 && s - started_s_ >= config_.faults.stop_heartbeats_after_s;
    if (!stopped) {
      const AccountState a = broker_.account();
      const std::string ts = broker_time(s);
      ea::TelemetryHeartbeat hb;
      hb.node_id = node_id_;
      hb.user_uuid = config_.uuid;
      hb.account = config_.login;
      hb.currency = config_.broker.currency;
      hb.balance = a.balance;
      hb.equity = a.equity;
      hb.leverage = config_.broker.leverage;
      hb.free_margin = a.free_margin;
      hb.margin_level = a.margin_level;
      hb.symbols_monitored = static_cast<int64_t>(state_.size());
      hb.ticks_processed = ticks_processed_;
      hb.socket_type = "DEALER";
      hb.timestamp = ts;
      send_telemetry(ea::ea_encode_telemetry_heartbeat(hb, config_.format), out);

      ea::DealerHeartbeat d;
      d.target_uuid = config_.uuid;
      d.node_id = node_id_;
      d.currency = config_.broker.currency;
      d.balance = a.balance;
      d.equity = a.equity;
      d.leverage = config_.broker.leverage;
      d.margin = a.margin;
      d.free_margin = a.free_margin;
      d.margin_level = a.margin_level;
      d.ticks_processed = ticks_processed_;
      d.timestamp = ts;
      out.push_back({Channel::Dealer, ea::ea_encode_dealer_heartbeat(d, config_.format)});
    }
  }
  if (s >= next_ohlc_s_) {
    next_ohlc_s_ = s + config_.ohlc_period_s;
    if (idle_) return;
    const int64_t broker_s = s + config_.broker_offset_s;
    const std::string ts = broker_time(s);
    for (auto& st : state_) {
      for (int k = 0; k < 3; ++k) {
        // M1 always; M5/M15 only when the server time is exactly divisible (the EA's condition).
        if (k > 0 && broker_s % kPeriods[k] != 0) continue;
        const BarTrack& b = st.bars[k];
        if (!b.has_prev) continue;  // MT5 bar index 1: the bar before the newest one
        ea::Ohlc o;
        o.node_id = node_id_;
        o.user_uuid = config_.uuid;
        o.symbol = st.name;
        o.timeframe = kTfNames[k];
        o.time = b.prev_start + config_.broker_offset_s;
        o.open = b.prev[0], o.high = b.prev[1], o.low = b.prev[2], o.close = b.prev[3];
        o.timestamp = ts;
        send_telemetry(ea::ea_encode_ohlc(o, st.digits, config_.format), out);
      }
    }
  }
}

bool SimEa::on_quote(size_t index, double bid, double ask, int64_t t_ns, std::vector<Outbound>& out) {
  (void)out;
  if (index >= state_.size()) return false;
  SymbolState& st = state_[index];
  st.bid = bid;
  st.ask = ask;
  st.tick_time_s = to_s(t_ns);
  for (auto& b : st.bars) b.update(st.tick_time_s, bid);
  broker_.on_quote(st.name, bid, ask, t_ns);
  if (index != config_.chart_symbol) return false;
  ++ticks_processed_;  // OnTick: chart symbol only
  return config_.poll_on_chart_tick;
}

void SimEa::on_command(std::string_view frame, int64_t t_ns, std::vector<Outbound>& out) {
  ++counters_.frames;
  broker_.set_time(t_ns);
  const ea::EaCommand c = ea::ea_parse_command(frame, config_.uuid);
  const std::string ts = broker_time(to_s(t_ns));
  switch (c.kind) {
    case ea::EaCommandKind::Ignored:
      ++counters_.ignored;
      if (log_) log_->debug("{}: command ignored (target_uuid '{}')", config_.uuid, c.target_uuid);
      return;
    case ea::EaCommandKind::Fire:
      ++counters_.fire;
      handle_fire(c, t_ns, out);
      return;
    case ea::EaCommandKind::CloseAll:
      ++counters_.close_all;
      handle_close_all(t_ns, out);
      return;
    case ea::EaCommandKind::CloseTicket:
      ++counters_.close_ticket;
      handle_close_ticket(c.ticket, t_ns, out);
      return;
    case ea::EaCommandKind::Ping:
      ++counters_.ping;
      send_reply(ea::ea_encode_pong(ea::ea_make_pong(account_snapshot(), c.ping_id, ts), config_.format), t_ns, out);
      return;
    case ea::EaCommandKind::Unknown:
      ++counters_.unknown;
      if (log_) log_->info("{}: unknown command type '{}'", config_.uuid, c.type);
      send_reply(ea::ea_encode_confirmation(ea::ea_make_unknown_confirmation(account_snapshot(), c.type, ts), config_.format),
                 t_ns, out);
      return;
  }
}

void SimEa::handle_fire(const ea::EaCommand& c, int64_t t_ns, std::vector<Outbound>& out) {
  const ea::EaFireFields& f = c.fire;
  ++counters_.fires_received[f.fire_id];
  const std::string ts = broker_time(to_s(t_ns));
  auto it = std::find_if(state_.begin(), state_.end(), [&](const SymbolState& s) { return s.name == f.symbol; });
  const bool available = it != state_.end() && symbols_.find(f.symbol) != nullptr;
  const double bid = available ? it->bid : 0, ask = available ? it->ask : 0;
  if (f.hybrid && log_) log_->warn("{}: fire {} has the hybrid flag; executed as a single position", config_.uuid, f.fire_id);
  const ea::EaFirePlan plan = ea::ea_plan_fire(f, available, bid, ask);
  if (!plan.ok) {
    ++counters_.fire_failures;
    if (log_) log_->info("{}: fire {} failed: {}", config_.uuid, f.fire_id, plan.failure_message);
    send_reply(ea::ea_encode_confirmation(ea::ea_make_confirmation(account_snapshot(), "fire", false, 0, 0, f.lot,
                                                                   plan.failure_message, f.fire_id, ts),
                                          config_.format),
               t_ns, out);
    return;
  }
  const ea::EaMarketOrder& o = plan.order;
  if (f.sl != o.sl) {
    ++counters_.sl_sanitised;
    if (log_) log_->warn("{}: fire {}: SL {} dropped (not on the right side of {}), trade opens without stop", config_.uuid, f.fire_id, f.sl, o.price);
  }
  if (f.tp != o.tp) {
    ++counters_.tp_sanitised;
    if (log_) log_->warn("{}: fire {}: TP {} dropped (not on the right side of {}), trade opens without target", config_.uuid, f.fire_id, f.tp, o.price);
  }
  OrderRequest req{o.symbol, o.is_buy, o.volume, o.sl, o.tp, o.comment, ea::kMagicNumber};
  const OrderResult r = broker_.market_order(req);
  if (!r.ok) {
    ++counters_.fire_failures;
    if (log_) log_->info("{}: fire {} rejected by the broker: {} ({})", config_.uuid, f.fire_id, r.retcode, r.reason);
    send_reply(ea::ea_encode_confirmation(
                   ea::ea_make_confirmation(account_snapshot(), "fire", false, 0, 0, f.lot,
                                            ea::ea_fire_failure_message(kErrTradeSendFailed, r.retcode), f.fire_id, ts),
                   config_.format),
               t_ns, out);
    return;
  }
  ++counters_.fills;
  ++counters_.fires_executed[f.fire_id];
  if (log_) log_->info("{}: fire {} filled: ticket {} {} {} @ {} sl {} tp {}", config_.uuid, f.fire_id, r.ticket,
                       o.is_buy ? "BUY" : "SELL", o.volume, r.price, o.sl, o.tp);
  send_reply(ea::ea_encode_confirmation(ea::ea_make_confirmation(account_snapshot(), "fire", true, r.ticket, r.price, f.lot,
                                                                 ea::kEaFireSuccessMessage, f.fire_id, ts),
                                        config_.format),
             t_ns, out);
}

void SimEa::handle_close_all(int64_t t_ns, std::vector<Outbound>& out) {
  int closed = 0, failed = 0;
  double volume = 0;
  std::vector<int64_t> tickets;
  for (const auto& p : broker_.positions())
    if (p.magic == ea::kMagicNumber) tickets.push_back(p.ticket);
  for (int64_t t : tickets) {
    const double v = broker_.find(t)->volume;
    if (broker_.close_position(t, CloseReason::CloseAll)) {
      ++closed;
      volume += v;
    } else {
      ++failed;
    }
  }
  const std::string ts = broker_time(to_s(t_ns));
  send_reply(ea::ea_encode_close_confirmation(
                 ea::ea_make_close_confirmation(account_snapshot(), "close_all", failed == 0, 0, 0, volume,
                                                ea::ea_close_all_message(closed, failed, volume), ts),
                 config_.format),
             t_ns, out);
}

void SimEa::handle_close_ticket(int64_t ticket, int64_t t_ns, std::vector<Outbound>& out) {
  const std::string ts = broker_time(to_s(t_ns));
  auto reply = [&](bool ok, double lot, std::string_view message) {
    send_reply(ea::ea_encode_close_confirmation(
                   ea::ea_make_close_confirmation(account_snapshot(), "close_ticket", ok, ticket, 0, lot, message, ts),
                   config_.format),
               t_ns, out);
  };
  if (ticket <= 0) return reply(false, 0, ea::kEaInvalidTicketMessage);
  const SimPosition* p = broker_.find(ticket);
  if (!p) return reply(false, 0, ea::kEaPositionNotFoundMessage);
  if (p->magic != ea::kMagicNumber) return reply(false, 0, ea::kEaNotOwnedMessage);
  const double volume = p->volume;
  if (!broker_.close_position(ticket, CloseReason::CloseTicket)) return reply(false, 0, ea::kEaCloseFailedMessage);
  reply(true, volume, ea::kEaCloseSuccessMessage);
}

}  // namespace bitten::ea_sim

#include "bridge.hpp"

#include <cmath>
#include <type_traits>

#include "bitten/schema/bar.hpp"
#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/tick.hpp"
#include "bitten/schema/topics.hpp"

namespace bitten::bridge {

namespace {
constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t kMaxOffsetS = 14 * 3600;  // no broker runs further than UTC±14h from UTC
// Broker timestamps outside 2000..2100 are corrupt, whatever the replay (and would overflow ns).
constexpr int64_t kMinEpochS = 946'684'800;
constexpr int64_t kMaxEpochS = 4'102'444'800;

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

// UUIDs become topic keys, DEALER identities and JSON strings: printable ASCII only.
bool valid_uuid(const std::string& u) {
  if (u.empty() || u.size() > 64) return false;
  for (unsigned char c : u)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

int64_t timeframe_seconds(const std::string& tf) {
  if (tf == "M1") return 60;
  if (tf == "M5") return 300;
  if (tf == "M15") return 900;
  if (tf == "M30") return 1800;
  if (tf == "H1") return 3600;
  return 0;
}
}  // namespace

TelemetryBridge::TelemetryBridge(BridgeConfig config, const SymbolTable& symbols, runtime::Health& health)
    : cfg_(std::move(config)),
      symbols_(symbols),
      health_(health),
      decoder_(ea::DecoderOptions{cfg_.max_message_bytes, true}),
      messages_in_(health.counter("messages_in")),
      ticks_in_(health.counter("ticks_in")),
      ticks_out_(health.counter("ticks_out")),
      ticks_coalesced_(health.counter("ticks_coalesced")),
      bars_out_(health.counter("bars_out")),
      dropped_(health.counter("dropped")) {}

void TelemetryBridge::drop(const std::string& reason) {
  ++dropped_;
  health_.add("drop_" + reason);
}

size_t TelemetryBridge::eas_online() const {
  size_t n = 0;
  for (const auto& [_, s] : eas_) n += s.online ? 1 : 0;
  return n;
}

EaSession& TelemetryBridge::session(const std::string& uuid, const std::string& node_id, int64_t recv_ns) {
  auto& s = eas_[uuid];
  if (s.uuid.empty()) {
    s.uuid = uuid;
    s.replay = !cfg_.replay_prefix.empty() && uuid.rfind(cfg_.replay_prefix, 0) == 0;
    if (s.replay) s.offset_s = cfg_.replay_offset_s;
    else if (auto it = cfg_.per_ea_offset_s.find(uuid); it != cfg_.per_ea_offset_s.end()) s.offset_s = it->second;
    else if (cfg_.broker_offset_s) s.offset_s = *cfg_.broker_offset_s;
  }
  if (!node_id.empty()) s.node_id = node_id;
  s.last_seen_ns = recv_ns;
  s.online = true;
  return s;
}

// Broker-local epoch seconds -> UTC ns, or nullopt (and a counted drop) when out of range.
std::optional<int64_t> TelemetryBridge::to_utc(EaSession& ea, int64_t broker_epoch, int64_t recv_ns, bool may_detect) {
  if (broker_epoch < kMinEpochS || broker_epoch > kMaxEpochS) {
    drop("ts_out_of_range");
    return std::nullopt;
  }
  if (!ea.offset_s) {
    if (!may_detect) return std::nullopt;
    // Detect: the gap between the EA's clock and ours, rounded to the 30-minute grid of time zones.
    const double gap = static_cast<double>(broker_epoch) - static_cast<double>(recv_ns / kNs);
    const int64_t offset = static_cast<int64_t>(std::llround(gap / 1800.0)) * 1800;
    if (std::llabs(offset) > kMaxOffsetS) {
      drop("ts_out_of_range");
      return std::nullopt;
    }
    ea.offset_s = offset;
    health_.add("offsets_detected");
  }
  const int64_t utc_ns = (broker_epoch - *ea.offset_s) * kNs;
  if (cfg_.clock_check && !ea.replay) {
    if (utc_ns - recv_ns > cfg_.max_future_s * kNs) {
      drop("ts_future");
      return std::nullopt;
    }
    if (recv_ns - utc_ns > cfg_.max_past_s * kNs) {
      drop("ts_stale");
      return std::nullopt;
    }
  }
  return utc_ns;
}

void TelemetryBridge::on_message(const std::vector<std::string>& frames, int64_t recv_ns, std::vector<Outbound>& out) {
  ++messages_in_;
  if (frames.size() != 1) {
    drop("bad_frames");
    return;
  }
  const std::string& payload = frames[0];
  if (payload.size() > cfg_.max_message_bytes) {
    drop("too_large");
    return;
  }
  auto decoded = decoder_.decode(payload);
  if (!decoded) {
    // Codes such as "missing_field:bid" are grouped by their kind to keep the counter set small.
    const std::string& code = decoded.error().code;
    drop(code.substr(0, code.find(':')));
    return;
  }
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ea::Tick>) {
          handle_tick(m, recv_ns, out);
        } else if constexpr (std::is_same_v<T, ea::Ohlc>) {
          handle_ohlc(m, recv_ns, out);
        } else if constexpr (std::is_same_v<T, ea::Handshake>) {
          handle_status(m, "handshake", recv_ns, out);
        } else if constexpr (std::is_same_v<T, ea::TelemetryHeartbeat>) {
          handle_status(m, "heartbeat", recv_ns, out);
        } else if constexpr (std::is_same_v<T, ea::Disconnect>) {
          handle_status(m, "disconnect", recv_ns, out);
        } else {
          drop("wrong_socket");  // HELLO/HEARTBEAT belong on 5555, confirmations on 5558
        }
      },
      *decoded);
}

void TelemetryBridge::handle_tick(const ea::Tick& t, int64_t recv_ns, std::vector<Outbound>& out) {
  ++ticks_in_;
  if (t.user_uuid.empty()) return drop("missing_uuid");
  if (!valid_uuid(t.user_uuid)) return drop("bad_uuid");
  const SymbolSpec* spec = symbols_.find(t.symbol);
  if (!spec) return drop("unknown_symbol");
  if (!finite_positive(t.bid) || !finite_positive(t.ask)) return drop("bad_price");
  if (t.bid > t.ask) return drop("bid_gt_ask");
  if (spec->price_to_pips(t.ask - t.bid) > cfg_.max_spread_pips) return drop("spread_too_wide");
  if (!std::isfinite(t.spread) || t.spread < 0) return drop("bad_spread");
  auto& ea = session(t.user_uuid, t.node_id, recv_ns);
  auto utc = to_utc(ea, t.broker_epoch, recv_ns, true);
  if (!utc) return;
  ++ea.ticks;

  // Coalesce: many EAs report the same symbol; publish each distinct quote once, in time order.
  auto& last = last_tick_[t.symbol];
  if (*utc < last.time_ns) return drop("out_of_order");
  if (*utc == last.time_ns && t.bid == last.bid && t.ask == last.ask) {
    ++ticks_coalesced_;
    return;
  }
  last = LastTick{*utc, t.bid, t.ask};

  schema::TickMsg msg{t.symbol, t.bid, t.ask, t.spread, *utc, t.user_uuid, t.timestamp};
  Outbound o;
  o.topic = schema::topic::tick(t.symbol);
  o.payload.reserve(320);
  schema::append_tick_envelope(o.payload, writer_.src(), writer_.next_seq(schema::TickMsg::kType), recv_ns, msg, spec->digits);
  out.push_back(std::move(o));
  ++ticks_out_;
}

void TelemetryBridge::handle_ohlc(const ea::Ohlc& o, int64_t recv_ns, std::vector<Outbound>& out) {
  if (o.user_uuid.empty()) return drop("missing_uuid");
  if (!valid_uuid(o.user_uuid)) return drop("bad_uuid");
  if (!symbols_.find(o.symbol)) return drop("unknown_symbol");
  const int64_t period = timeframe_seconds(o.timeframe);
  if (period == 0) return drop("bad_timeframe");
  for (double v : {o.open, o.high, o.low, o.close})
    if (!finite_positive(v)) return drop("bad_price");
  if (o.high < o.low || o.open > o.high || o.open < o.low || o.close > o.high || o.close < o.low)
    return drop("bad_ohlc");
  auto& ea = session(o.user_uuid, o.node_id, recv_ns);
  // The bar's own time is its open; the message timestamp is when it was sent. Check the latter
  // against the clock, then convert the former with the same offset.
  if (!to_utc(ea, o.broker_epoch, recv_ns, true)) return;
  if (o.time < kMinEpochS || o.time > kMaxEpochS) return drop("ts_out_of_range");
  const int64_t open_utc_s = o.time - *ea.offset_s;
  if (open_utc_s % period != 0) return drop("bar_misaligned");
  const std::string key = o.timeframe + "." + o.symbol;
  auto it = last_bar_.find(key);
  if (it != last_bar_.end() && open_utc_s * kNs <= it->second) {
    // The same bar from another EA (or a replayed older one): the first report stands.
    health_.add(open_utc_s * kNs == it->second ? "bars_coalesced" : "drop_bar_out_of_order");
    if (open_utc_s * kNs < it->second) ++dropped_;
    return;
  }
  last_bar_[key] = open_utc_s * kNs;
  schema::BarMsg bar{o.symbol, o.timeframe, open_utc_s * kNs, o.open, o.high, o.low, o.close, 0, "ea", o.user_uuid};
  out.push_back(Outbound{schema::topic::bar(o.timeframe, o.symbol),
                         writer_.encode(schema::BarMsg::kType, recv_ns, schema::to_json(bar))});
  ++bars_out_;
}

template <class M>
void TelemetryBridge::handle_status(const M& m, const std::string& kind, int64_t recv_ns, std::vector<Outbound>& out) {
  if (m.user_uuid.empty()) return drop("missing_uuid");
  if (!valid_uuid(m.user_uuid)) return drop("bad_uuid");
  auto& ea = session(m.user_uuid, m.node_id, recv_ns);
  if constexpr (std::is_same_v<M, ea::Handshake>) {
    // A new EA session: detect the offset afresh (the terminal may have moved brokers).
    if (!ea.replay && !cfg_.per_ea_offset_s.count(m.user_uuid) && !cfg_.broker_offset_s) ea.offset_s.reset();
  }
  auto utc = to_utc(ea, m.broker_epoch, recv_ns, true);
  if (!utc) return;
  schema::EaStatusMsg s;
  s.kind = kind;
  s.uuid = m.user_uuid;
  s.node_id = m.node_id;
  s.time_ns = *utc;
  s.broker_offset_s = *ea.offset_s;
  s.ticks_processed = 0;
  if constexpr (std::is_same_v<M, ea::Handshake>) {
    s.account = std::to_string(m.account);
    s.broker = m.broker;
    s.currency = m.currency;
    s.balance = m.balance;
    s.equity = m.equity;
    s.leverage = m.leverage;
  } else if constexpr (std::is_same_v<M, ea::TelemetryHeartbeat>) {
    s.account = std::to_string(m.account);
    s.currency = m.currency;
    s.balance = m.balance;
    s.equity = m.equity;
    s.leverage = m.leverage;
    s.free_margin = m.free_margin;
    s.margin_level = m.margin_level;
    s.ticks_processed = m.ticks_processed;
  } else if constexpr (std::is_same_v<M, ea::Disconnect>) {
    s.ticks_processed = m.ticks_processed;
    ea.online = false;
  }
  publish_status(ea, std::move(s), recv_ns, out);
}

void TelemetryBridge::publish_status(const EaSession&, schema::EaStatusMsg msg, int64_t recv_ns,
                                     std::vector<Outbound>& out) {
  const std::string kind = msg.kind;
  out.push_back(Outbound{schema::topic::ea(kind),
                         writer_.encode(schema::EaStatusMsg::kType, recv_ns, schema::to_json(msg))});
  health_.add("ea_" + kind);
}

void TelemetryBridge::on_timer(int64_t now_ns, std::vector<Outbound>& out) {
  for (auto& [uuid, ea] : eas_) {
    if (ea.online && now_ns - ea.last_seen_ns > cfg_.ea_ttl_s * kNs) {
      ea.online = false;
      schema::EaStatusMsg s;
      s.kind = "offline";
      s.uuid = uuid;
      s.node_id = ea.node_id;
      s.broker_offset_s = ea.offset_s.value_or(0);
      s.time_ns = now_ns;
      publish_status(ea, std::move(s), now_ns, out);
    }
  }
  health_.gauge("eas_online", static_cast<double>(eas_online()));
  health_.gauge("eas_known", static_cast<double>(eas_.size()));
  health_.gauge("symbols_live", static_cast<double>(last_tick_.size()));
}

}  // namespace bitten::bridge

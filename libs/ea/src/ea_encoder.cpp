#include "bitten/ea/ea_encoder.hpp"

#include <cmath>

#include "number_text.hpp"

namespace bitten::ea {
namespace {

// Builds `{"k":v,...}` the way the EA's concatenation does.
class Writer {
 public:
  // An object without a type field (array elements).
  explicit Writer(const EaFormat& format) : format_(format) {
    out_.reserve(256);
    out_ += '{';
  }
  Writer(std::string_view type, const EaFormat& format) : Writer(format) { str("type", type); }
  Writer& str(std::string_view key, std::string_view value) {
    open(key);
    out_ += '"';
    if (format_.raw_strings) out_ += value;
    else sanitise(value);
    out_ += '"';
    return *this;
  }
  Writer& fixed(std::string_view key, double value, int digits) {
    open(key);
    detail::append_fixed(out_, value, digits);
    return *this;
  }
  Writer& integer(std::string_view key, int64_t value) {
    open(key);
    detail::append_int(out_, value);
    return *this;
  }
  Writer& raw(std::string_view key, std::string_view json) {
    open(key);
    out_ += json;
    return *this;
  }
  std::string done() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void open(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  void sanitise(std::string_view v) {
    for (unsigned char c : v) {
      if (c == '"') out_ += '\'';
      else if (c == '\\') out_ += '/';
      else if (c < 0x20) out_ += ' ';
      else out_ += static_cast<char>(c);
    }
  }

  const EaFormat& format_;
  std::string out_;
  bool first_ = true;
};

std::string position_json(const Position& p, const EaFormat& format) {
  return Writer(format)
      .integer("ticket", p.ticket)
      .str("fire_id", p.fire_id)
      .str("symbol", p.symbol)
      .str("direction", p.direction)
      .fixed("open_price", p.open_price, 5)
      .fixed("current_price", p.current_price, 5)
      .fixed("volume", p.volume, 2)
      .fixed("pnl", p.pnl, 2)
      .done();
}

}  // namespace

double ea_spread_points(double bid, double ask, int digits) { return (ask - bid) / std::pow(10.0, -digits); }

std::string ea_encode_tick(const Tick& m, int digits, const EaFormat& f) {
  return Writer("TICK", f)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .str("symbol", m.symbol)
      .fixed("bid", m.bid, digits)
      .fixed("ask", m.ask, digits)
      .fixed("spread", m.spread, 1)
      .integer("volume", m.volume)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_ohlc(const Ohlc& m, int digits, const EaFormat& f) {
  return Writer("OHLC", f)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .str("symbol", m.symbol)
      .str("timeframe", m.timeframe)
      .integer("time", m.time)
      .fixed("open", m.open, digits)
      .fixed("high", m.high, digits)
      .fixed("low", m.low, digits)
      .fixed("close", m.close, digits)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_handshake(const Handshake& m, const EaFormat& f) {
  return Writer("handshake", f)
      .str("deployment_mode", m.deployment_mode)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .integer("account", m.account)
      .str("broker", m.broker)
      .str("server", m.server)
      .str("chart_symbol", m.chart_symbol)
      .integer("monitored_symbols", m.monitored_symbols)
      .str("symbol_list", m.symbol_list)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .integer("leverage", m.leverage)
      .str("version", m.version)
      .str("socket_type", m.socket_type)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_telemetry_heartbeat(const TelemetryHeartbeat& m, const EaFormat& f) {
  return Writer("heartbeat", f)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .integer("account", m.account)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .integer("leverage", m.leverage)
      .fixed("free_margin", m.free_margin, 2)
      .fixed("margin_level", m.margin_level, 2)
      .integer("symbols_monitored", m.symbols_monitored)
      .integer("ticks_processed", m.ticks_processed)
      .str("socket_type", m.socket_type)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_disconnect(const Disconnect& m, const EaFormat& f) {
  return Writer("DISCONNECT", f)
      .str("deployment_mode", m.deployment_mode)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .integer("symbols_monitored", m.symbols_monitored)
      .integer("ticks_processed", m.ticks_processed)
      .str("socket_type", m.socket_type)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_hello(const Hello& m, const EaFormat& f) {
  return Writer("HELLO", f)
      .str("target_uuid", m.target_uuid)
      .str("node_id", m.node_id)
      .str("account_login", m.account_login)
      .str("broker", m.broker)
      .str("company", m.company)
      .str("terminal", m.terminal)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .integer("leverage", m.leverage)
      .fixed("margin", m.margin, 2)
      .fixed("free_margin", m.free_margin, 2)
      .fixed("margin_level", m.margin_level, 2)
      .integer("symbols", m.symbols)
      .str("version", m.version)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_dealer_heartbeat(const DealerHeartbeat& m, const EaFormat& f) {
  Writer w("HEARTBEAT", f);
  w.str("target_uuid", m.target_uuid)
      .str("node_id", m.node_id)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .integer("leverage", m.leverage)
      .fixed("margin", m.margin, 2)
      .fixed("free_margin", m.free_margin, 2)
      .fixed("margin_level", m.margin_level, 2)
      .integer("ticks_processed", m.ticks_processed)
      .str("timestamp", m.timestamp);
  if (m.user_id) w.str("user_id", *m.user_id);
  if (m.account_login) w.str("account_login", *m.account_login);
  if (m.broker) w.str("broker", *m.broker);
  if (m.ts) w.integer("ts", *m.ts);
  if (m.open_positions) w.integer("open_positions", *m.open_positions);
  if (m.positions) {
    std::string list = "[";
    for (size_t i = 0; i < m.positions->size(); ++i) {
      if (i > 0) list += ',';
      list += position_json((*m.positions)[i], f);
    }
    list += ']';
    w.raw("positions", list);
  }
  return w.done();
}

std::string ea_encode_confirmation(const Confirmation& m, const EaFormat& f) {
  return Writer("confirmation", f)
      .str("command_type", m.command_type)
      .str("fire_id", m.fire_id)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .str("status", m.status)
      .integer("ticket", m.ticket)
      .fixed("price", m.price, 5)
      .fixed("lot", m.lot, 2)
      .str("message", m.message)
      .integer("account", m.account)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .fixed("free_margin", m.free_margin, 2)
      .fixed("margin_level", m.margin_level, 2)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_close_confirmation(const CloseConfirmation& m, const EaFormat& f) {
  return Writer("close_confirmation", f)
      .str("command_type", m.command_type)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .str("status", m.status)
      .integer("ticket", m.ticket)
      .fixed("close_price", m.close_price, 5)
      .fixed("lot", m.lot, 2)
      .str("message", m.message)
      .integer("account", m.account)
      .str("currency", m.currency)
      .fixed("balance", m.balance, 2)
      .fixed("equity", m.equity, 2)
      .fixed("free_margin", m.free_margin, 2)
      .fixed("margin_level", m.margin_level, 2)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode_pong(const Pong& m, const EaFormat& f) {
  return Writer("pong", f)
      .str("ping_id", m.ping_id)
      .str("node_id", m.node_id)
      .str("user_uuid", m.user_uuid)
      .str("timestamp", m.timestamp)
      .done();
}

std::string ea_encode(const EaMessage& m, int digits, const EaFormat& f) {
  struct Visitor {
    int digits;
    const EaFormat& f;
    std::string operator()(const Tick& x) const { return ea_encode_tick(x, digits, f); }
    std::string operator()(const Ohlc& x) const { return ea_encode_ohlc(x, digits, f); }
    std::string operator()(const Handshake& x) const { return ea_encode_handshake(x, f); }
    std::string operator()(const TelemetryHeartbeat& x) const { return ea_encode_telemetry_heartbeat(x, f); }
    std::string operator()(const Disconnect& x) const { return ea_encode_disconnect(x, f); }
    std::string operator()(const Hello& x) const { return ea_encode_hello(x, f); }
    std::string operator()(const DealerHeartbeat& x) const { return ea_encode_dealer_heartbeat(x, f); }
    std::string operator()(const Confirmation& x) const { return ea_encode_confirmation(x, f); }
    std::string operator()(const CloseConfirmation& x) const { return ea_encode_close_confirmation(x, f); }
    std::string operator()(const Pong& x) const { return ea_encode_pong(x, f); }
  };
  return std::visit(Visitor{digits, f}, m);
}

}  // namespace bitten::ea

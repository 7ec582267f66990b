#include "message_builder.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "bitten/core/time.hpp"
#include "bitten/ea/errors.hpp"

namespace bitten::ea::detail {
namespace {

enum class Need { Required, Optional };

// A bare number read where text is expected: the token when the tolerant scanner kept it,
// else the number printed back (the strict path keeps only the value).
void number_as_text(const Node& n, std::string& out) {
  if (!n.text.empty()) {
    out.assign(n.text);
    return;
  }
  char buf[32];
  auto r = n.number.is_integer ? std::to_chars(buf, buf + sizeof buf, n.number.integer)
                               : std::to_chars(buf, buf + sizeof buf, n.number.value);
  out.assign(buf, r.ptr);
}

// Reads fields of one object node. The first failure wins; later reads become no-ops.
class Reader {
 public:
  Reader(const RawTree& tree, uint32_t object, std::string_view prefix = {})
      : tree_(tree), object_(object), prefix_(prefix) {}

  bool failed() const { return !code_.empty(); }
  Error error() const { return make_error(code_, detail_); }

  // The EA writes fields in a fixed order and we read them in that order, so the search starts
  // after the previous hit and wraps around: usually one comparison per field.
  const Node* find(std::string_view key) const {
    const uint32_t first = tree_.nodes[object_].first_child;
    const uint32_t start = cursor_ != 0 ? cursor_ : first;
    for (uint32_t c = start; c != 0; c = tree_.nodes[c].next)
      if (hit(c, key)) return &tree_.nodes[c];
    for (uint32_t c = first; c != start && c != 0; c = tree_.nodes[c].next)
      if (hit(c, key)) return &tree_.nodes[c];
    return nullptr;
  }

  void str(std::string_view key, std::string& out, Need need = Need::Optional) {
    const Node* n = present(key, need);
    if (n == nullptr) return;
    if (n->kind == Kind::String) out.assign(n->text);
    else if (n->kind == Kind::Number) number_as_text(*n, out);  // account_login may arrive bare
    else fail(codes::kWrongType, key, "expected a string");
  }

  void num(std::string_view key, double& out, Need need = Need::Optional) {
    const Node* n = present(key, need);
    if (n == nullptr) return;
    if (n->kind == Kind::Number) out = n->number.value;
    else if (n->kind == Kind::BadNumber || n->kind == Kind::OutOfRange) fail(codes::kBadNumber, key, "not a finite number");
    else fail(codes::kWrongType, key, "expected a number");
  }

  void i64(std::string_view key, int64_t& out, Need need = Need::Optional) {
    const Node* n = present(key, need);
    if (n == nullptr) return;
    if (n->kind == Kind::Number) {
      if (n->number.is_integer) {
        out = n->number.integer;
        return;
      }
      const double v = n->number.value;  // "500.0" is still an integer
      if (v == std::floor(v) && v >= -9.2e18 && v <= 9.2e18) {
        out = static_cast<int64_t>(v);
        return;
      }
      fail(codes::kWrongType, key, "expected an integer");
    } else if (n->kind == Kind::BadNumber || n->kind == Kind::OutOfRange) {
      fail(codes::kBadNumber, key, "not a finite number");
    } else {
      fail(codes::kWrongType, key, "expected an integer");
    }
  }

  void opt_str(std::string_view key, std::optional<std::string>& out) {
    if (find_non_null(key) == nullptr) return;
    str(key, out.emplace());
  }
  void opt_i64(std::string_view key, std::optional<int64_t>& out) {
    if (find_non_null(key) == nullptr) return;
    i64(key, out.emplace());
  }

  // Broker time "YYYY.MM.DD HH:MM:SS". Required: must be present and valid. Optional: a bad value
  // leaves epoch 0 (a confirmation is never dropped for its timestamp).
  void timestamp(std::string& raw, int64_t& epoch, Need need) {
    str("timestamp", raw, need);
    if (failed() || raw.empty()) return;
    if (auto t = parse_datetime(raw)) epoch = *t;
    else if (need == Need::Required) fail(codes::kBadTimestamp, "timestamp", "expected YYYY.MM.DD HH:MM:SS");
  }

  void fail(std::string_view code, std::string_view key, std::string_view why) {
    if (failed()) return;
    code_.assign(code);
    code_.append(prefix_);
    code_.append(key);
    detail_.assign(code_);
    detail_.append(": ");
    detail_.append(why);
  }

 private:
  const Node* find_non_null(std::string_view key) const {
    const Node* n = find(key);
    return n != nullptr && n->kind != Kind::Null ? n : nullptr;
  }
  const Node* present(std::string_view key, Need need) {
    if (failed()) return nullptr;
    const Node* n = find_non_null(key);
    if (n == nullptr && need == Need::Required) fail(codes::kMissingField, key, "required field absent");
    return n;
  }

  bool hit(uint32_t c, std::string_view key) const {
    if (tree_.nodes[c].key != key) return false;
    cursor_ = tree_.nodes[c].next;
    return true;
  }

  const RawTree& tree_;
  uint32_t object_;
  mutable uint32_t cursor_ = 0;
  std::string_view prefix_;
  std::string code_;
  std::string detail_;
};

constexpr auto R = Need::Required;
constexpr auto O = Need::Optional;

template <class T>
Result<T> finish(Reader& r, T&& value) {
  if (r.failed()) return r.error();
  return std::forward<T>(value);
}

Result<Tick> read_tick(Reader& r) {
  Tick m;
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.str("symbol", m.symbol, R);
  r.num("bid", m.bid, R);
  r.num("ask", m.ask, R);
  r.num("spread", m.spread);
  r.i64("volume", m.volume);
  r.timestamp(m.timestamp, m.broker_epoch, R);
  return finish(r, std::move(m));
}

Result<Ohlc> read_ohlc(Reader& r) {
  Ohlc m;
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.str("symbol", m.symbol, R);
  r.str("timeframe", m.timeframe, R);
  r.i64("time", m.time, R);
  r.num("open", m.open, R);
  r.num("high", m.high, R);
  r.num("low", m.low, R);
  r.num("close", m.close, R);
  r.timestamp(m.timestamp, m.broker_epoch, R);
  return finish(r, std::move(m));
}

Result<Handshake> read_handshake(Reader& r) {
  Handshake m;
  r.str("deployment_mode", m.deployment_mode);
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.i64("account", m.account);
  r.str("broker", m.broker);
  r.str("server", m.server);
  r.str("chart_symbol", m.chart_symbol);
  r.i64("monitored_symbols", m.monitored_symbols);
  r.str("symbol_list", m.symbol_list);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.i64("leverage", m.leverage);
  r.str("version", m.version);
  r.str("socket_type", m.socket_type);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

Result<TelemetryHeartbeat> read_telemetry_heartbeat(Reader& r) {
  TelemetryHeartbeat m;
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.i64("account", m.account);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.i64("leverage", m.leverage);
  r.num("free_margin", m.free_margin);
  r.num("margin_level", m.margin_level);
  r.i64("symbols_monitored", m.symbols_monitored);
  r.i64("ticks_processed", m.ticks_processed);
  r.str("socket_type", m.socket_type);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

Result<Disconnect> read_disconnect(Reader& r) {
  Disconnect m;
  r.str("deployment_mode", m.deployment_mode);
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.i64("symbols_monitored", m.symbols_monitored);
  r.i64("ticks_processed", m.ticks_processed);
  r.str("socket_type", m.socket_type);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

Result<Hello> read_hello(Reader& r) {
  Hello m;
  r.str("target_uuid", m.target_uuid);
  r.str("node_id", m.node_id);
  r.str("account_login", m.account_login);
  r.str("broker", m.broker);
  r.str("company", m.company);
  r.str("terminal", m.terminal);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.i64("leverage", m.leverage);
  r.num("margin", m.margin);
  r.num("free_margin", m.free_margin);
  r.num("margin_level", m.margin_level);
  r.i64("symbols", m.symbols);
  r.str("version", m.version);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

void read_positions(const RawTree& tree, Reader& r, std::optional<std::vector<Position>>& out) {
  const Node* n = r.find("positions");
  if (n == nullptr || n->kind == Kind::Null || r.failed()) return;
  if (n->kind != Kind::Array) {
    r.fail(codes::kWrongType, "positions", "expected an array");
    return;
  }
  auto& list = out.emplace();
  for (uint32_t c = n->first_child; c != 0; c = tree.nodes[c].next) {
    if (tree.nodes[c].kind != Kind::Object) {
      r.fail(codes::kWrongType, "positions", "expected an array of objects");
      return;
    }
    Reader pr(tree, c, "positions.");
    Position p;
    pr.i64("ticket", p.ticket, R);
    pr.str("fire_id", p.fire_id);
    pr.str("symbol", p.symbol);
    pr.str("direction", p.direction);
    pr.num("open_price", p.open_price);
    pr.num("current_price", p.current_price);
    pr.num("volume", p.volume);
    pr.num("pnl", p.pnl);
    if (pr.failed()) {
      const Error e = pr.error();
      const auto colon = e.code.find(':');
      r.fail(std::string_view(e.code).substr(0, colon + 1), std::string_view(e.code).substr(colon + 1),
             e.message);
      return;
    }
    list.push_back(std::move(p));
  }
}

Result<DealerHeartbeat> read_dealer_heartbeat(const RawTree& tree, Reader& r) {
  DealerHeartbeat m;
  r.str("target_uuid", m.target_uuid);
  r.str("node_id", m.node_id);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.i64("leverage", m.leverage);
  r.num("margin", m.margin);
  r.num("free_margin", m.free_margin);
  r.num("margin_level", m.margin_level);
  r.i64("ticks_processed", m.ticks_processed);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  r.opt_str("user_id", m.user_id);
  r.opt_str("account_login", m.account_login);
  r.opt_str("broker", m.broker);
  r.opt_i64("ts", m.ts);
  r.opt_i64("open_positions", m.open_positions);
  read_positions(tree, r, m.positions);
  return finish(r, std::move(m));
}

Result<Confirmation> read_confirmation(Reader& r) {
  Confirmation m;
  r.str("command_type", m.command_type);
  r.str("fire_id", m.fire_id);
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.str("status", m.status, R);
  r.i64("ticket", m.ticket);
  r.num("price", m.price);
  r.num("lot", m.lot);
  r.str("message", m.message);
  r.i64("account", m.account);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.num("free_margin", m.free_margin);
  r.num("margin_level", m.margin_level);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

Result<CloseConfirmation> read_close_confirmation(Reader& r) {
  CloseConfirmation m;
  r.str("command_type", m.command_type);
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.str("status", m.status, R);
  r.i64("ticket", m.ticket);
  r.num("close_price", m.close_price);
  r.num("lot", m.lot);
  r.str("message", m.message);
  r.i64("account", m.account);
  r.str("currency", m.currency);
  r.num("balance", m.balance);
  r.num("equity", m.equity);
  r.num("free_margin", m.free_margin);
  r.num("margin_level", m.margin_level);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

Result<Pong> read_pong(Reader& r) {
  Pong m;
  r.str("ping_id", m.ping_id, R);
  r.str("node_id", m.node_id);
  r.str("user_uuid", m.user_uuid);
  r.timestamp(m.timestamp, m.broker_epoch, O);
  return finish(r, std::move(m));
}

template <class T>
Result<EaMessage> widen(Result<T>&& r) {
  if (!r.ok()) return r.error();
  return EaMessage{std::move(r).value()};
}

Error unexpected(std::string_view type) {
  return make_error(std::string(codes::kUnexpectedType), "got message type '" + std::string(type) + "'");
}

}  // namespace

Result<std::string_view> message_type(const RawTree& tree) {
  Reader r(tree, 0);
  const Node* n = r.find("type");
  if (n == nullptr) return make_error(std::string(codes::kMissingField) + "type", "no type field");
  if (n->kind != Kind::String) return make_error(std::string(codes::kWrongType) + "type", "type is not a string");
  return n->text;
}

Result<EaMessage> build_message(const RawTree& tree) {
  auto type = message_type(tree);
  if (!type.ok()) return type.error();
  const std::string_view t = *type;
  Reader r(tree, 0);
  if (t == "TICK") return widen(read_tick(r));
  if (t == "OHLC") return widen(read_ohlc(r));
  if (t == "confirmation") return widen(read_confirmation(r));
  if (t == "close_confirmation") return widen(read_close_confirmation(r));
  if (t == "pong") return widen(read_pong(r));
  if (t == "HEARTBEAT") return widen(read_dealer_heartbeat(tree, r));
  if (t == "heartbeat") return widen(read_telemetry_heartbeat(r));
  if (t == "HELLO") return widen(read_hello(r));
  if (t == "handshake") return widen(read_handshake(r));
  if (t == "DISCONNECT") return widen(read_disconnect(r));
  std::string shown(t.substr(0, 40));
  return make_error(std::string(codes::kUnknownType), "unknown message type '" + shown + "'");
}

Result<Tick> build_tick(const RawTree& tree) {
  auto type = message_type(tree);
  if (!type.ok()) return type.error();
  if (*type != "TICK") return unexpected(type->substr(0, 40));
  Reader r(tree, 0);
  return read_tick(r);
}

Result<Confirmation> build_confirmation(const RawTree& tree) {
  auto type = message_type(tree);
  if (!type.ok()) return type.error();
  if (*type != "confirmation") return unexpected(type->substr(0, 40));
  Reader r(tree, 0);
  return read_confirmation(r);
}

}  // namespace bitten::ea::detail

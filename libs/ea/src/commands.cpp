#include "bitten/ea/commands.hpp"

#include <cmath>

#include "bitten/ea/errors.hpp"
#include "number_text.hpp"

namespace bitten::ea {
namespace {

Error refuse(std::string_view code, std::string message) { return make_error(std::string(code), std::move(message)); }

std::optional<Error> check_token(std::string_view value, size_t max_length, std::string_view code,
                                 std::string_view what) {
  if (value.empty() || value.size() > max_length || !is_safe_token(value))
    return refuse(code, std::string(what) + " must be 1.." + std::to_string(max_length) +
                            " printable ASCII characters without space \" \\ , } ]");
  return std::nullopt;
}

void append_string_field(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":\"";
  out += value;
  out += '"';
}

void append_number_field(std::string& out, std::string_view key, double value, int digits) {
  out += ",\"";
  out += key;
  out += "\":";
  if (value == 0) out += '0';  // "entry":0, "sl":0 as the server always wrote them
  else detail::append_fixed(out, value, digits);
}

Result<std::string> finish(std::string out) {
  if (out.size() > kMaxCommandBytes)
    return refuse(codes::kCommandTooLarge, "command of " + std::to_string(out.size()) + " bytes");
  return out;
}

std::string head(std::string_view type, std::string_view target_uuid) {
  std::string out;
  out.reserve(256);
  out += "{\"type\":\"";
  out += type;
  out += '"';
  append_string_field(out, "target_uuid", target_uuid);
  return out;
}

}  // namespace

std::string_view to_string(Direction d) { return d == Direction::Buy ? "BUY" : "SELL"; }

bool is_safe_token(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (c == '"' || c == '\\' || c == ',' || c == '}' || c == ']') return false;
  }
  return true;
}

Result<std::string> encode_fire(const FireCommand& c, int digits) {
  if (auto e = check_token(c.target_uuid, kMaxTokenLength, codes::kBadUuid, "target_uuid")) return *e;
  if (auto e = check_token(c.fire_id, kMaxFireIdLength, codes::kBadFireId, "fire_id")) return *e;
  if (auto e = check_token(c.symbol, kMaxTokenLength, codes::kBadSymbol, "symbol")) return *e;
  if (digits < 0 || digits > 10) return refuse(codes::kBadDigits, "digits must be 0..10");
  const std::pair<std::string_view, double> prices[] = {{"entry", c.entry}, {"sl", c.sl}, {"tp", c.tp}};
  for (const auto& [name, value] : prices)
    if (!std::isfinite(value) || value < 0)
      return refuse(std::string(codes::kBadPrice) + std::string(name), "price must be finite and >= 0 (0 = none)");
  // The EA turns lot <= 0 into 0.01 silently and never normalises: refuse anything that would not
  // arrive as the lot we mean.
  if (!std::isfinite(c.lot) || std::round(c.lot * 100) < 1 || c.lot > 1000)
    return refuse(codes::kBadLot, "lot must be finite, >= 0.01 after rounding to 2 decimals, <= 1000");
  std::string out = head("fire", c.target_uuid);
  append_string_field(out, "fire_id", c.fire_id);
  append_string_field(out, "symbol", c.symbol);
  append_string_field(out, "direction", to_string(c.direction));
  append_number_field(out, "entry", c.entry, digits);
  append_number_field(out, "sl", c.sl, digits);
  append_number_field(out, "tp", c.tp, digits);
  out += ",\"lot\":";
  detail::append_fixed(out, c.lot, 2);
  out += '}';
  return finish(std::move(out));
}

Result<std::string> encode_close_all(std::string_view target_uuid) {
  if (auto e = check_token(target_uuid, kMaxTokenLength, codes::kBadUuid, "target_uuid")) return *e;
  std::string out = head("close_all", target_uuid);
  out += '}';
  return finish(std::move(out));
}

Result<std::string> encode_close_ticket(std::string_view target_uuid, int64_t ticket) {
  if (auto e = check_token(target_uuid, kMaxTokenLength, codes::kBadUuid, "target_uuid")) return *e;
  if (ticket <= 0) return refuse(codes::kBadTicket, "ticket must be > 0");
  std::string out = head("close_ticket", target_uuid);
  out += ",\"ticket\":";
  detail::append_int(out, ticket);
  out += '}';
  return finish(std::move(out));
}

Result<std::string> encode_ping(std::string_view target_uuid, std::string_view ping_id) {
  if (auto e = check_token(target_uuid, kMaxTokenLength, codes::kBadUuid, "target_uuid")) return *e;
  if (auto e = check_token(ping_id, kMaxTokenLength, codes::kBadPingId, "ping_id")) return *e;
  std::string out = head("ping", target_uuid);
  append_string_field(out, "ping_id", ping_id);
  out += '}';
  return finish(std::move(out));
}

}  // namespace bitten::ea

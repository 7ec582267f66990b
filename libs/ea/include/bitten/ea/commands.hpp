#pragma once
// Server-side command encoders: the exact bytes the EA's substring parser reads.
//
//   {"type":"fire","target_uuid":"U","fire_id":"F","symbol":"S","direction":"BUY","entry":0,"sl":1.17455,"tp":1.17830,"lot":0.20}
//   {"type":"close_all","target_uuid":"U"}
//   {"type":"close_ticket","target_uuid":"U","ticket":21604324}
//   {"type":"ping","target_uuid":"U","ping_id":"P"}
//
// No spaces, fixed key order, prices with the symbol's digits, lot with 2 decimals. Every string
// is validated instead of escaped because the EA cannot unescape: a refused command returns an
// Error and nothing is sent. We never send the BITMODE `hybrid` object (see docs/protocol.md).
#include <cstdint>
#include <string>
#include <string_view>

#include "bitten/core/result.hpp"

namespace bitten::ea {

inline constexpr size_t kMaxCommandBytes = 4095;  // the EA's receive buffer is 4096 bytes
inline constexpr size_t kMaxFireIdLength = 31;    // MT5 order comment limit
inline constexpr size_t kMaxTokenLength = 64;     // uuid, symbol, ping_id

enum class Direction { Buy, Sell };
std::string_view to_string(Direction d);  // "BUY" / "SELL"

struct FireCommand {
  std::string target_uuid;
  std::string fire_id;  // 1..31 safe characters; becomes the MT5 order comment
  std::string symbol;
  Direction direction = Direction::Buy;
  double entry = 0;  // 0 = market (written as "0"); the EA ignores it when direction is given
  double sl = 0;     // absolute price, 0 = none
  double tp = 0;     // absolute price, 0 = none
  double lot = 0;    // > 0, written with 2 decimals; must stay >= 0.01 after rounding
};

// A "safe" token: printable ASCII without space " \ , } ] (so the EA's substring parser reads it
// back intact and it cannot inject a `"key":` pattern).
bool is_safe_token(std::string_view s);

Result<std::string> encode_fire(const FireCommand& command, int digits);
Result<std::string> encode_close_all(std::string_view target_uuid);
Result<std::string> encode_close_ticket(std::string_view target_uuid, int64_t ticket);
Result<std::string> encode_ping(std::string_view target_uuid, std::string_view ping_id);

}  // namespace bitten::ea

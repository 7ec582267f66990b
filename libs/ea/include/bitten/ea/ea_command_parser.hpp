#pragma once
// EA side: how the v2.05 EA reads a command frame (CheckUnifiedCommands + ExtractJsonValue), as
// pure functions for the EA simulator. Deliberately NOT a JSON parser: it reproduces the EA's
// substring search, including its blind spots.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitten::ea {

inline constexpr size_t kEaReceiveBufferBytes = 4096;

// The text the EA sees for a frame: zmq_recv into a zeroed 4096-byte buffer (longer frames are
// truncated), then CharArrayToString, which stops at the first NUL byte.
std::string_view ea_receive_buffer(std::string_view frame);

// ExtractJsonValue(json, key): finds the FIRST occurrence of `"key":` anywhere (nested objects
// included), skips spaces and tabs, then reads either a quoted string up to the next quote (no
// escapes) or a bare token up to `,` `}` `]` (spaces, newlines included). "" when absent or empty.
std::string ea_extract_json_value(std::string_view json, std::string_view key);

// MQL5 StringToDouble / StringToInteger: parse the longest numeric prefix after leading
// whitespace, 0 when there is none ("abc" -> 0, "0.20 " -> 0.2).
double mql_string_to_double(std::string_view text);
int64_t mql_string_to_integer(std::string_view text);

enum class EaCommandKind {
  Ignored,      // empty frame, or target_uuid present and not ours: nothing happens, nothing is sent
  Fire,         // -> confirmation
  CloseAll,     // -> close_confirmation
  CloseTicket,  // -> close_confirmation
  Ping,         // -> pong
  Unknown,      // -> confirmation{command_type:"unknown", status:"failed"}
};

struct EaFireFields {
  std::string fire_id;
  std::string symbol;
  std::string direction;  // "direction", or "side" when direction is empty; "" = guess from entry
  double entry = 0;
  double sl = 0;
  double tp = 0;
  double lot = 0;       // as received (the confirmation echoes this, not the order volume)
  bool hybrid = false;  // the text contains `"hybrid":{"enabled":true` exactly
};

struct EaCommand {
  EaCommandKind kind = EaCommandKind::Ignored;
  std::string text;         // what the EA parsed (after the 4096-byte buffer and NUL rules)
  std::string type;         // ExtractJsonValue(text, "type")
  std::string target_uuid;  // ExtractJsonValue(text, "target_uuid")
  EaFireFields fire;        // Fire only
  int64_t ticket = 0;       // CloseTicket only (StringToInteger; <= 0 is answered "Invalid ticket number")
  std::string ping_id;      // Ping only
};

// The EA's dispatch for one received frame, given its own UUID.
EaCommand ea_parse_command(std::string_view frame, std::string_view own_uuid);

}  // namespace bitten::ea

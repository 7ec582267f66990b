#pragma once
// Error codes of the EA codecs. They are short and stable because daemons count drops by code.
// A code is either one of the plain codes or "<prefix><field name>" for the per-field ones.
#include <string_view>

namespace bitten::ea::codes {

// Decoding (server side).
inline constexpr std::string_view kEmpty = "empty";              // zero-length payload
inline constexpr std::string_view kTooLarge = "too_large";       // above DecoderOptions::max_bytes
inline constexpr std::string_view kNotJson = "not_json";         // neither strict nor tolerant parse worked
inline constexpr std::string_view kUnknownType = "unknown_type";  // `type` is not one the EA sends
inline constexpr std::string_view kUnexpectedType = "unexpected_type";  // typed decode_xxx got another type
inline constexpr std::string_view kMissingField = "missing_field:";    // + field
inline constexpr std::string_view kWrongType = "wrong_type:";          // + field
inline constexpr std::string_view kBadNumber = "bad_number:";          // + field: NaN, Infinity, overflow
inline constexpr std::string_view kBadTimestamp = "bad_timestamp:";    // + field

// Command encoding (server side).
inline constexpr std::string_view kBadUuid = "bad_uuid";
inline constexpr std::string_view kBadFireId = "bad_fire_id";
inline constexpr std::string_view kBadSymbol = "bad_symbol";
inline constexpr std::string_view kBadPingId = "bad_ping_id";
inline constexpr std::string_view kBadTicket = "bad_ticket";
inline constexpr std::string_view kBadDigits = "bad_digits";
inline constexpr std::string_view kBadPrice = "bad_price:";  // + field (entry, sl, tp)
inline constexpr std::string_view kBadLot = "bad_lot";
inline constexpr std::string_view kCommandTooLarge = "command_too_large";

}  // namespace bitten::ea::codes

namespace bitten::ea {

// True for every code above (with any field suffix for the prefixed ones). Tests and the fuzz entry
// use it to prove no other code escapes.
bool is_known_error_code(std::string_view code);

}  // namespace bitten::ea

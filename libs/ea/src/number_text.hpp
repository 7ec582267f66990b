#pragma once
// Number <-> text the way both ends of the EA protocol need it (internal).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bitten::ea::detail {

// MQL5 DoubleToString(value, digits): fixed notation, `digits` decimals (clamped to 0..16).
void append_fixed(std::string& out, double value, int digits);
// MQL5 IntegerToString.
void append_int(std::string& out, int64_t value);

// A JSON-ish number token as the EA writes it ("1.17602", "0", "-3", "1e-5", "1000.00").
// Rejects NaN/Infinity spellings, empty tokens, trailing junk and non-finite results.
struct ParsedNumber {
  double value = 0;
  int64_t integer = 0;
  bool is_integer = false;  // the token is an exact int64 with no fraction or exponent
};
enum class NumberStatus { Ok, NotANumber, OutOfRange };
NumberStatus parse_number_token(std::string_view token, ParsedNumber& out);

}  // namespace bitten::ea::detail

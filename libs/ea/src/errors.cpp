#include "bitten/ea/errors.hpp"

namespace bitten::ea {

bool is_known_error_code(std::string_view code) {
  static constexpr std::string_view plain[] = {
      codes::kEmpty,    codes::kTooLarge,  codes::kNotJson,  codes::kUnknownType,    codes::kUnexpectedType,
      codes::kBadUuid,  codes::kBadFireId, codes::kBadSymbol, codes::kBadPingId,     codes::kBadTicket,
      codes::kBadDigits, codes::kBadLot,   codes::kCommandTooLarge};
  for (auto p : plain)
    if (code == p) return true;
  static constexpr std::string_view prefixed[] = {codes::kMissingField, codes::kWrongType, codes::kBadNumber,
                                                  codes::kBadTimestamp, codes::kBadPrice};
  for (auto p : prefixed)
    if (code.size() > p.size() && code.substr(0, p.size()) == p) return true;
  return false;
}

}  // namespace bitten::ea

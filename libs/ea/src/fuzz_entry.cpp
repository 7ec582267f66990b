#include "bitten/ea/fuzz_entry.hpp"

#include <cstdlib>
#include <string_view>

#include "bitten/ea/decoder.hpp"
#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/errors.hpp"

namespace bitten::ea {

int fuzz_one(const uint8_t* data, size_t size) {
  thread_local Decoder decoder;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto message = decoder.decode(payload);
  if (!message.ok()) {
    if (!is_known_error_code(message.error().code)) std::abort();
  } else {
    // Exercise the EA-side encoder on whatever decoded, and decode its output again.
    const std::string again = ea_encode(*message, 5, EaFormat{.raw_strings = false});
    auto round = decoder.decode(again);
    if (!round.ok() && !is_known_error_code(round.error().code)) std::abort();
  }
  auto tick = decoder.decode_tick(payload);
  if (!tick.ok() && !is_known_error_code(tick.error().code)) std::abort();
  (void)ea_parse_command(payload, "USER_UUID_123");
  return 0;
}

}  // namespace bitten::ea

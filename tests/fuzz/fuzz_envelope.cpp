// Internal envelopes and every registered message type's decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bitten/schema/envelope.hpp"
#include "bitten/schema/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = bitten::schema::decode_envelope(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!env) return 0;
  for (const auto& [type, roundtrip] : bitten::schema::message_registry()) {
    auto r = roundtrip(env->data);
    if (r) {
      // What decodes must re-encode to something that decodes to the same.
      auto again = roundtrip(*r);
      if (!again || *again != *r) __builtin_trap();
    }
  }
  return 0;
}

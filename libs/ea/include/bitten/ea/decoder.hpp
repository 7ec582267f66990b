#pragma once
// Server-side decoding of EA messages.
//
// Fast path: simdjson on-demand over a reused padded buffer. When the payload is not strict JSON
// (the EA concatenates strings without escaping, so a broker name with a quote breaks it) or holds
// a backslash (which the EA never escapes, so it is literal), a tolerant scanner for the EA's flat
// objects recovers the fields. Only when both fail is the error "not_json".
#include <cstddef>
#include <memory>
#include <string_view>

#include "bitten/core/result.hpp"
#include "bitten/ea/messages.hpp"

namespace bitten::ea {

struct DecoderOptions {
  size_t max_bytes = 64 * 1024;  // larger payloads are refused with "too_large" (the EA's are < 2 KB)
  bool tolerant = true;          // fall back to the tolerant scanner when strict JSON fails
};

// Which parser produced the last result (for drop/quirk counters).
enum class ParsePath { None, Strict, Tolerant };

// One per thread: holds the simdjson parser, the padded buffer and scratch space, so a decode
// allocates only the strings of the result.
class Decoder {
 public:
  explicit Decoder(DecoderOptions options = {});
  ~Decoder();
  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Result<EaMessage> decode(std::string_view payload);
  // Typed fast paths: "unexpected_type" when the payload is another (valid) message.
  Result<Tick> decode_tick(std::string_view payload);
  Result<Confirmation> decode_confirmation(std::string_view payload);

  ParsePath last_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience wrappers over a thread_local Decoder with default options.
Result<EaMessage> decode_message(std::string_view payload);
Result<Tick> decode_tick(std::string_view payload);

}  // namespace bitten::ea

#include "bitten/ea/decoder.hpp"

#include <cstring>
#include <vector>

#include "bitten/ea/errors.hpp"
#include "message_builder.hpp"
#include "strict_parser.hpp"
#include "tolerant_scanner.hpp"

namespace bitten::ea {

struct Decoder::Impl {
  DecoderOptions options;
  detail::StrictParser strict;
  detail::RawTree tree;
  std::vector<char> padded;
  ParsePath last = ParsePath::None;

  // Fills `tree` from the payload; on failure returns the error.
  std::optional<Error> parse(std::string_view payload) {
    last = ParsePath::None;
    if (payload.empty()) return make_error(std::string(codes::kEmpty), "empty payload");
    if (payload.size() > options.max_bytes)
      return make_error(std::string(codes::kTooLarge), "payload of " + std::to_string(payload.size()) + " bytes");
    // The EA never escapes, so a backslash is a literal character: strict JSON would either fail
    // or silently reinterpret it ("\n"). Go straight to the tolerant scanner.
    const bool has_backslash = std::memchr(payload.data(), '\\', payload.size()) != nullptr;
    if (!has_backslash) {
      const size_t capacity = payload.size() + simdjson::SIMDJSON_PADDING;
      if (padded.size() < capacity) padded.resize(capacity);
      std::memcpy(padded.data(), payload.data(), payload.size());
      std::memset(padded.data() + payload.size(), 0, simdjson::SIMDJSON_PADDING);
      if (strict.parse(padded.data(), payload.size(), padded.size(), tree)) {
        last = ParsePath::Strict;
        return std::nullopt;
      }
    }
    if (options.tolerant && detail::scan_tolerant(payload, tree)) {
      last = ParsePath::Tolerant;
      return std::nullopt;
    }
    return make_error(std::string(codes::kNotJson), "payload is not a JSON object");
  }
};

Decoder::Decoder(DecoderOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = options; }
Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

Result<EaMessage> Decoder::decode(std::string_view payload) {
  if (auto e = impl_->parse(payload)) return std::move(*e);
  return detail::build_message(impl_->tree);
}

Result<Tick> Decoder::decode_tick(std::string_view payload) {
  if (auto e = impl_->parse(payload)) return std::move(*e);
  return detail::build_tick(impl_->tree);
}

Result<Confirmation> Decoder::decode_confirmation(std::string_view payload) {
  if (auto e = impl_->parse(payload)) return std::move(*e);
  return detail::build_confirmation(impl_->tree);
}

ParsePath Decoder::last_path() const { return impl_->last; }

namespace {
Decoder& thread_decoder() {
  thread_local Decoder decoder;
  return decoder;
}
}  // namespace

Result<EaMessage> decode_message(std::string_view payload) { return thread_decoder().decode(payload); }
Result<Tick> decode_tick(std::string_view payload) { return thread_decoder().decode_tick(payload); }

std::string_view wire_type(const EaMessage& message) {
  static constexpr std::string_view names[] = {"TICK",      "OHLC",  "handshake",    "heartbeat",
                                               "DISCONNECT", "HELLO", "HEARTBEAT",    "confirmation",
                                               "close_confirmation", "pong"};
  static_assert(std::size(names) == std::variant_size_v<EaMessage>);
  return names[message.index()];
}

}  // namespace bitten::ea

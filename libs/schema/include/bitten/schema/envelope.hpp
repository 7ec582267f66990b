#pragma once
// The internal envelope: every message on an internal socket is two frames, [topic][json], where
// json = {"type":..., "v":1, "src":"<daemon>", "seq":<counter>, "ts":<UTC ns>, "data":{...}}.
// seq counts per publisher and message type: each (src, type) is one gap-free stream from 1. A
// subscriber takes whole types (topic prefixes never split a type between kept and filtered), so it
// sees every gap in what it subscribed to, and none for the types it filters out (one counter per
// publisher would show every filtered message as a loss). Readers ignore unknown fields; an
// unknown type or version is counted and dropped by the reader, never fatal.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::schema {

constexpr int kEnvelopeVersion = 1;

struct Envelope {
  std::string type;
  int v = kEnvelopeVersion;
  std::string src;
  uint64_t seq = 0;
  int64_t ts = 0;  // UTC ns when published (operational time; event time lives in data)
  nlohmann::json data = nlohmann::json::object();
};

nlohmann::json to_json(const Envelope& e);
std::string encode(const Envelope& e);
// Parses and checks the envelope's own fields; does not interpret data.
// Error codes: "not_json", "bad_envelope", "unsupported_version".
Result<Envelope> decode_envelope(std::string_view text);

// Stamps src and a sequence number per message type on outgoing messages. Owned by one thread.
class EnvelopeWriter {
 public:
  explicit EnvelopeWriter(std::string src) : src_(std::move(src)) {}
  Envelope make(std::string type, int64_t ts_ns, nlohmann::json data) {
    const uint64_t seq = next_seq(type);
    return Envelope{std::move(type), kEnvelopeVersion, src_, seq, ts_ns, std::move(data)};
  }
  std::string encode(std::string type, int64_t ts_ns, nlohmann::json data) {
    return schema::encode(make(std::move(type), ts_ns, std::move(data)));
  }
  // The next seq of `type` (a publisher writes a handful of types: a linear search is the fastest).
  uint64_t next_seq(std::string_view type) {
    for (auto& [t, n] : seqs_)
      if (t == type) return ++n;
    seqs_.emplace_back(std::string(type), 1);
    return 1;
  }
  const std::string& src() const { return src_; }

 private:
  std::string src_;
  std::vector<std::pair<std::string, uint64_t>> seqs_;
};

// Tracks one stream's seq numbers (one publisher's messages of one type) on the reading side and
// counts the gaps.
class SeqTracker {
 public:
  // Returns the number of messages missed before this one (0 when in order). A lower seq than
  // expected means the publisher restarted: tracking starts again from it.
  uint64_t observe(uint64_t seq) {
    uint64_t missed = 0;
    if (last_ != 0 && seq > last_ + 1) missed = seq - last_ - 1;
    last_ = seq;
    total_missed_ += missed;
    return missed;
  }
  uint64_t total_missed() const { return total_missed_; }

 private:
  uint64_t last_ = 0;
  uint64_t total_missed_ = 0;
};

}  // namespace bitten::schema

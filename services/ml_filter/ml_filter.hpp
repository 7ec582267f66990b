#pragma once
// ml_filter's logic: candidate in, scored signal out. No sockets, no clock of its own (the caller
// passes the time), no model ownership (ModelHost owns models; this class only scores with one).
//
// Every candidate that decodes is published, accepted or rejected, with its score:
//  - with a model: probability = P(WIN) from ml::Model::score (the one feature builder),
//    accepted = probability >= the model's threshold, reason "model_accept" / "model_reject";
//  - cold start (no model): probability null, model_version "none", threshold = the configured rule
//    confidence, accepted = confidence >= it, reason "cold_start_rule";
//  - a model that fails to score one signal falls back to the rule for it: "model_error_rule".
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

#include "bitten/messaging/socket.hpp"
#include "bitten/ml/model.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/signal.hpp"
#include "filter_config.hpp"

namespace bitten::mlfilter {

struct Outbound {
  std::string topic;
  std::string payload;
};

namespace reason {
inline constexpr const char* kModelAccept = "model_accept";
inline constexpr const char* kModelReject = "model_reject";
inline constexpr const char* kColdStart = "cold_start_rule";
inline constexpr const char* kModelError = "model_error_rule";
}  // namespace reason

// Score latencies (decode + features + predict + encode) of the last kWindow candidates.
class LatencyWindow {
 public:
  static constexpr size_t kWindow = 1024;
  void add(int64_t ns);
  // Quantile q in [0,1] of the window, in microseconds (0 when empty).
  double quantile_us(double q) const;
  size_t size() const { return n_ < kWindow ? n_ : kWindow; }

 private:
  std::array<int64_t, kWindow> v_{};
  size_t n_ = 0;
};

class MlFilter {
 public:
  MlFilter(const FilterConfig& cfg, runtime::Health& health);

  // Installs the model to score with (nullptr = cold start). Returns the previous one, which the
  // caller hands back to its owner (ModelHost::release).
  const ml::Model* set_model(const ml::Model* model);
  const ml::Model* model() const { return model_; }
  std::string model_version() const;

  // One candidate message [signal.<SYMBOL>][envelope]: appends at most one scored signal.
  void on_message(const messaging::Frames& frames, int64_t now_ns, std::vector<Outbound>& out);
  // The decision alone, for a decoded candidate.
  schema::SignalScore decide(const schema::SignalMsg& s, int64_t now_ns);
  // Scores and encodes one decoded candidate as [topic, envelope].
  Outbound score_and_encode(schema::SignalMsg& s, int64_t now_ns);

  // Writes the latency and model gauges into health (call before publishing a heartbeat).
  void export_gauges();
  const LatencyWindow& latency() const { return latency_; }

 private:
  bool seen_before(const std::string& signal_id);

  FilterConfig cfg_;
  runtime::Health& health_;
  const ml::Model* model_ = nullptr;
  schema::EnvelopeWriter writer_{"ml_filter"};
  std::unordered_set<std::string> recent_ids_;
  std::deque<std::string> recent_order_;
  LatencyWindow latency_;
  uint64_t& received_;
  uint64_t& scored_;
  uint64_t& accepted_;
  uint64_t& rejected_;
  uint64_t& bad_message_;
  uint64_t& unknown_type_;
  uint64_t& duplicate_;
  uint64_t& scored_by_model_;
  uint64_t& scored_cold_;
  uint64_t& model_errors_;
};

}  // namespace bitten::mlfilter

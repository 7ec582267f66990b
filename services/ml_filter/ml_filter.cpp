#include "ml_filter.hpp"

#include <algorithm>
#include <chrono>

#include "bitten/schema/topics.hpp"

namespace bitten::mlfilter {

void LatencyWindow::add(int64_t ns) {
  v_[n_ % kWindow] = ns;
  ++n_;
}

double LatencyWindow::quantile_us(double q) const {
  const size_t n = size();
  if (n == 0) return 0;
  std::array<int64_t, kWindow> tmp;
  std::copy_n(v_.begin(), n, tmp.begin());
  const size_t k = std::min(n - 1, static_cast<size_t>(q * static_cast<double>(n - 1) + 0.5));
  std::nth_element(tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(k), tmp.begin() + static_cast<std::ptrdiff_t>(n));
  return static_cast<double>(tmp[k]) / 1000.0;
}

MlFilter::MlFilter(const FilterConfig& cfg, runtime::Health& health)
    : cfg_(cfg),
      health_(health),
      received_(health.counter("received")),
      scored_(health.counter("scored")),
      accepted_(health.counter("accepted")),
      rejected_(health.counter("rejected")),
      bad_message_(health.counter("dropped_bad_message")),
      unknown_type_(health.counter("dropped_unknown_type")),
      duplicate_(health.counter("dropped_duplicate")),
      scored_by_model_(health.counter("scored_by_model")),
      scored_cold_(health.counter("scored_cold_start")),
      model_errors_(health.counter("model_score_errors")) {}

const ml::Model* MlFilter::set_model(const ml::Model* model) {
  const ml::Model* prev = model_;
  model_ = model;
  health_.add("model_swaps");
  export_gauges();
  return prev;
}

std::string MlFilter::model_version() const { return model_ ? model_->metadata().model_version : "none"; }

bool MlFilter::seen_before(const std::string& signal_id) {
  if (cfg_.dedup_window == 0) return false;
  if (recent_ids_.count(signal_id)) return true;
  recent_ids_.insert(signal_id);
  recent_order_.push_back(signal_id);
  if (recent_order_.size() > cfg_.dedup_window) {
    recent_ids_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
  return false;
}

schema::SignalScore MlFilter::decide(const schema::SignalMsg& s, int64_t now_ns) {
  schema::SignalScore sc;
  sc.scored_ns = now_ns;
  if (model_) {
    auto p = model_->score(s);
    if (p) {
      sc.probability = *p;
      sc.threshold = model_->metadata().threshold;
      sc.model_version = model_->metadata().model_version;
      sc.accepted = *p >= sc.threshold;
      sc.reason = sc.accepted ? reason::kModelAccept : reason::kModelReject;
      ++scored_by_model_;
      return sc;
    }
    ++model_errors_;
    sc.reason = reason::kModelError;
  } else {
    sc.reason = reason::kColdStart;
    ++scored_cold_;
  }
  sc.model_version = "none";
  sc.threshold = cfg_.cold_start_min_confidence;
  sc.accepted = s.confidence >= cfg_.cold_start_min_confidence;
  return sc;
}

Outbound MlFilter::score_and_encode(schema::SignalMsg& s, int64_t now_ns) {
  s.score = decide(s, now_ns);
  ++scored_;
  if (s.score->accepted) {
    ++accepted_;
    health_.add("accepted." + s.score->reason);
  } else {
    ++rejected_;
    health_.add("rejected." + s.score->reason);
  }
  return Outbound{schema::topic::signal(s.symbol), writer_.encode(schema::SignalMsg::kType, now_ns, schema::to_json(s))};
}

void MlFilter::on_message(const messaging::Frames& frames, int64_t now_ns, std::vector<Outbound>& out) {
  const auto t0 = std::chrono::steady_clock::now();
  ++received_;
  if (frames.size() != 2) {
    ++bad_message_;
    return;
  }
  auto env = schema::decode_envelope(frames[1]);
  if (!env) {
    ++bad_message_;
    return;
  }
  if (env->type != schema::SignalMsg::kType) {
    ++unknown_type_;
    return;
  }
  auto sig = schema::signal_from_json(env->data);
  if (!sig) {
    ++bad_message_;
    return;
  }
  if (seen_before(sig->signal_id)) {
    ++duplicate_;
    return;
  }
  out.push_back(score_and_encode(*sig, now_ns));
  latency_.add(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

void MlFilter::export_gauges() {
  health_.gauge("score_latency_p50_us", latency_.quantile_us(0.5));
  health_.gauge("score_latency_p99_us", latency_.quantile_us(0.99));
  health_.gauge("model_loaded", model_ ? 1.0 : 0.0);
  health_.gauge("model_threshold", model_ ? model_->metadata().threshold : cfg_.cold_start_min_confidence);
  // The version as a number the dashboards can plot: the model's creation time (0 = cold start).
  health_.gauge("model_created_s", model_ ? static_cast<double>(model_->metadata().created_ns / 1'000'000'000) : 0.0);
}

}  // namespace bitten::mlfilter

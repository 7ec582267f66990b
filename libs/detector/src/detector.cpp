#include "bitten/detector/detector.hpp"

#include "bitten/schema/bar.hpp"
#include "bitten/schema/tick.hpp"
#include "bitten/schema/topics.hpp"

namespace bitten::detector {

Detector::Detector(patterns::EngineConfig config, const SymbolTable& symbols, runtime::Health& health)
    : engine_(std::move(config), symbols),
      health_(health),
      writer_(engine_.config().source),
      ticks_in_(health.counter("ticks_in")),
      bars_in_(health.counter("bars_in")),
      seq_missed_(health.counter("dropped_seq_gap")),
      drop_bad_frames_(health.counter("dropped_bad_frames")),
      drop_bad_envelope_(health.counter("dropped_bad_envelope")),
      drop_unknown_type_(health.counter("dropped_unknown_type")),
      drop_bad_tick_(health.counter("dropped_bad_tick")),
      drop_bad_bar_(health.counter("dropped_bad_bar")),
      signals_out_(health.counter("signals_out")) {
  sync_health();
}

void Detector::on_message(const messaging::Frames& frames, int64_t now_ns, std::vector<Outbound>& out) {
  if (frames.size() != 2) {
    ++drop_bad_frames_;
    return;
  }
  auto env = schema::decode_envelope(frames[1]);
  if (!env) {
    ++drop_bad_envelope_;
    return;
  }
  // One stream per publisher and type (the bridge's ticks and bars count separately; its ea.*
  // messages, not subscribed to here, are not gaps).
  stream_key_.assign(env->src).append("/").append(env->type);
  auto [it, _] = seq_.try_emplace(stream_key_);
  seq_missed_ += it->second.observe(env->seq);
  scratch_.clear();
  if (env->type == schema::TickMsg::kType) {
    auto tick = schema::tick_from_json(env->data);
    if (!tick) {
      ++drop_bad_tick_;
      return;
    }
    ++ticks_in_;
    engine_.on_tick(*tick, scratch_);
  } else if (env->type == schema::BarMsg::kType) {
    auto bar = schema::bar_from_json(env->data);
    if (!bar) {
      ++drop_bad_bar_;
      return;
    }
    ++bars_in_;
    engine_.on_bar(*bar, scratch_);
  } else {
    ++drop_unknown_type_;
    return;
  }
  emit(scratch_, now_ns, out);
}

void Detector::emit(std::vector<schema::SignalMsg>& signals, int64_t now_ns, std::vector<Outbound>& out) {
  for (auto& s : signals) {
    out.push_back(Outbound{schema::topic::signal(s.symbol), writer_.encode(schema::SignalMsg::kType, now_ns, to_json(s))});
    ++signals_out_;
  }
}

void Detector::sync_health() {
  const auto& s = engine_.stats();
  health_.counter("engine_ticks") = s.ticks;
  health_.counter("engine_ea_bars") = s.ea_bars;
  health_.counter("bars_closed") = s.bars_closed;
  health_.counter("bars_corrected_not_redecided") = s.bars_corrected;
  health_.counter("dropped_unknown_symbol") = s.unknown_symbol;
  health_.counter("dropped_untraded_symbol") = s.untraded_symbol;
  health_.counter("dropped_bar_not_ea_m1") = s.ignored_bar_msgs;
  health_.counter("dropped_late_or_invalid_tick") = s.late_or_invalid;
  health_.counter("throttled_cooldown") = s.throttled_cooldown;
  health_.counter("throttled_hourly_cap") = s.throttled_hourly;
  for (patterns::PatternId id : engine_.config().patterns) {
    const auto i = static_cast<size_t>(id);
    const std::string key(patterns::pattern_key(id));
    health_.counter("detections_" + key) = s.detections[i];
    health_.counter("signals_" + key) = s.signals[i];
  }
  for (size_t r = 1; r < s.rejected.size(); ++r)
    health_.counter("rejected_" + std::string(patterns::rejection_name(static_cast<patterns::Rejection>(r)))) =
        s.rejected[r];
}

}  // namespace bitten::detector

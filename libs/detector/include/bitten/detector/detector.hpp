#pragma once
// A detector daemon's logic without sockets: market envelopes in ([topic][json] frames from
// telemetry_bridge), candidate signal envelopes out ([signal.<SYMBOL>][json]). It decodes, tracks
// each publisher's seq for gaps, feeds the DetectorEngine on event time and encodes what it emits.
// Every drop is counted by reason in the daemon's Health.
#include <map>
#include <string>
#include <vector>

#include "bitten/messaging/socket.hpp"
#include "bitten/patterns/engine.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/envelope.hpp"

namespace bitten::detector {

struct Outbound {
  std::string topic;
  std::string payload;
};

class Detector {
 public:
  Detector(patterns::EngineConfig config, const SymbolTable& symbols, runtime::Health& health);

  // One received message; appends the envelopes to send. now_ns stamps the envelope's `ts`
  // (operational time); all decisions use the messages' own event time.
  void on_message(const messaging::Frames& frames, int64_t now_ns, std::vector<Outbound>& out);
  // Copies the engine's counters into Health (called before each heartbeat and at the end).
  void sync_health();

  const patterns::DetectorEngine& engine() const { return engine_; }

 private:
  void emit(std::vector<schema::SignalMsg>& signals, int64_t now_ns, std::vector<Outbound>& out);

  patterns::DetectorEngine engine_;
  runtime::Health& health_;
  schema::EnvelopeWriter writer_;
  std::map<std::string, schema::SeqTracker, std::less<>> seq_;  // per "src/type"
  std::string stream_key_;
  std::vector<schema::SignalMsg> scratch_;
  uint64_t& ticks_in_;
  uint64_t& bars_in_;
  uint64_t& seq_missed_;
  uint64_t& drop_bad_frames_;
  uint64_t& drop_bad_envelope_;
  uint64_t& drop_unknown_type_;
  uint64_t& drop_bad_tick_;
  uint64_t& drop_bad_bar_;
  uint64_t& signals_out_;
};

}  // namespace bitten::detector

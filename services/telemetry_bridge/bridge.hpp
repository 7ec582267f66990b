#pragma once
// The telemetry bridge's logic: EA frames from 5556 in, topic-framed internal messages out.
// No sockets, no clock of its own: the receive time is passed in with each message.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/ea/decoder.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/envelope.hpp"
#include "bridge_config.hpp"

namespace bitten::bridge {

struct Outbound {
  std::string topic;
  std::string payload;
};

struct EaSession {
  std::string uuid;
  std::string node_id;
  std::optional<int64_t> offset_s;  // broker time minus UTC, once known
  bool replay = false;              // a replaying source: no wall-clock check
  int64_t last_seen_ns = 0;         // receive time
  bool online = false;
  uint64_t ticks = 0;
};

class TelemetryBridge {
 public:
  TelemetryBridge(BridgeConfig config, const SymbolTable& symbols, runtime::Health& health);

  // One ZeroMQ message (all its frames) received at recv_ns (UTC). Appends what to publish.
  void on_message(const std::vector<std::string>& frames, int64_t recv_ns, std::vector<Outbound>& out);
  // Periodic housekeeping: EAs silent beyond the TTL are reported offline once.
  void on_timer(int64_t now_ns, std::vector<Outbound>& out);

  const std::unordered_map<std::string, EaSession>& sessions() const { return eas_; }
  size_t eas_online() const;

 private:
  struct LastTick {
    int64_t time_ns = -1;
    double bid = 0, ask = 0;
  };
  void drop(const std::string& reason);
  std::optional<int64_t> to_utc(EaSession& ea, int64_t broker_epoch, int64_t recv_ns, bool may_detect);
  EaSession& session(const std::string& uuid, const std::string& node_id, int64_t recv_ns);
  void handle_tick(const ea::Tick& t, int64_t recv_ns, std::vector<Outbound>& out);
  void handle_ohlc(const ea::Ohlc& o, int64_t recv_ns, std::vector<Outbound>& out);
  template <class M>
  void handle_status(const M& m, const std::string& kind, int64_t recv_ns, std::vector<Outbound>& out);
  void publish_status(const EaSession& ea, schema::EaStatusMsg msg, int64_t recv_ns, std::vector<Outbound>& out);

  BridgeConfig cfg_;
  const SymbolTable& symbols_;
  runtime::Health& health_;
  ea::Decoder decoder_;
  schema::EnvelopeWriter writer_{"telemetry_bridge"};
  std::unordered_map<std::string, EaSession> eas_;
  std::unordered_map<std::string, LastTick> last_tick_;
  std::map<std::string, int64_t> last_bar_;  // "M1.EURUSD" -> open time published
  uint64_t& messages_in_;
  uint64_t& ticks_in_;
  uint64_t& ticks_out_;
  uint64_t& ticks_coalesced_;
  uint64_t& bars_out_;
  uint64_t& dropped_;
};

}  // namespace bitten::bridge

#pragma once
// One simulated v2.05 EA, without sockets: quotes and replay time in, the exact bytes the EA would
// send out (tagged with the socket they go to). Commands are read with the EA's own parser
// (libs/ea) and executed against a SimBroker.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/ea/ea_command_parser.hpp"
#include "bitten/ea/ea_encoder.hpp"
#include "bitten/ea/ea_fire_rules.hpp"
#include "broker.hpp"

namespace spdlog {
class logger;
}

namespace bitten::ea_sim {

enum class Channel { Telemetry, Dealer, Confirm };  // PUSH 5556, DEALER 5555, PUSH 5558
struct Outbound {
  Channel channel;
  std::string payload;
};

struct EaFaults {
  int64_t stop_heartbeats_after_s = -1;  // replay seconds after start; -1 = never
  double confirm_drop_rate = 0;          // confirmations/close confirmations/pongs silently lost
  int64_t confirm_delay_ms = 0;          // replies held back this long (replay time)
  double malformed_rate = 0;             // telemetry messages replaced by malformed ones
};

struct SimEaConfig {
  std::string uuid;  // DEALER identity and user_uuid
  int64_t login = 0;
  std::string node_id;  // NODE_<login>_<tickcount>
  std::string company = "BITTEN Simulated Markets Ltd";
  std::string server = "BittenSim-Demo";
  std::string terminal = "MetaTrader 5";
  std::vector<std::string> symbols;  // MarketWatch, in replay-feed order
  size_t chart_symbol = 0;           // index into symbols
  int64_t broker_offset_s = 0;       // broker time = UTC + this
  bool poll_on_chart_tick = true;    // the EA's quirk: one command read per chart-symbol tick
  int64_t heartbeat_period_s = 30;
  int64_t ohlc_period_s = 60;
  bool ohlc_align_to_minute = false;  // false: the 60 s cycle starts at init, as the EA's does
  ea::EaFormat format;
  BrokerConfig broker;
  EaFaults faults;
  uint64_t seed = 1;
};

struct CommandCounters {
  uint64_t frames = 0;
  uint64_t ignored = 0;  // not for us (or empty): no reply
  uint64_t fire = 0, close_all = 0, close_ticket = 0, ping = 0, unknown = 0;
  uint64_t fills = 0, fire_failures = 0;
  uint64_t sl_sanitised = 0, tp_sanitised = 0;
  uint64_t replies_dropped = 0, replies_delayed = 0, malformed_sent = 0;
  std::map<std::string, uint64_t> fires_received;  // by fire_id
  std::map<std::string, uint64_t> fires_executed;  // successful orders by fire_id
};

class SimEa {
 public:
  SimEa(const SymbolTable& symbols, SimEaConfig config, std::shared_ptr<spdlog::logger> log = nullptr);

  // Init: handshake (5556) and HELLO (5555).
  void start(int64_t t_ns, std::vector<Outbound>& out);
  // Deinit: DISCONNECT (5556).
  void stop(int64_t t_ns, std::vector<Outbound>& out);
  // A terminal restart after a disconnect: new node_id, handshake and HELLO again.
  void restart(int64_t t_ns, std::vector<Outbound>& out);

  // Replay time reached t: runs the EA's 1 s timer once at floor(t) if a second has passed
  // (TICK snapshots, heartbeats every 30 s, OHLC every 60 s) and releases delayed replies. Call it
  // before on_quote for each quote so snapshots see the quotes of the seconds before.
  void on_time(int64_t t_ns, std::vector<Outbound>& out);
  // A replayed quote for symbols[index]. Returns true when it is a chart-symbol tick on which the
  // EA polls its command socket (always false with instant polling).
  bool on_quote(size_t index, double bid, double ask, int64_t t_ns, std::vector<Outbound>& out);
  // One frame received on the DEALER socket.
  void on_command(std::string_view frame, int64_t t_ns, std::vector<Outbound>& out);

  // Idle: no TICK/OHLC (a real EA is online); heartbeats and commands continue.
  void set_idle(bool idle) { idle_ = idle; }
  bool idle() const { return idle_; }

  const SimEaConfig& config() const { return config_; }
  const std::string& uuid() const { return config_.uuid; }
  const std::string& node_id() const { return node_id_; }
  const CommandCounters& counters() const { return counters_; }
  const SimBroker& broker() const { return broker_; }
  SimBroker& broker() { return broker_; }
  int64_t ticks_processed() const { return ticks_processed_; }

 private:
  struct BarTrack {
    int64_t period_s = 60;
    bool has_cur = false, has_prev = false;
    int64_t cur_start = 0, prev_start = 0;
    double cur[4] = {0, 0, 0, 0}, prev[4] = {0, 0, 0, 0};  // o h l c
    void update(int64_t t_s, double bid);
  };
  struct SymbolState {
    std::string name;
    int digits = 5;
    double bid = 0, ask = 0;
    int64_t tick_time_s = INT64_MIN;  // MqlTick.time of the last quote (UTC seconds)
    int64_t sent_time_s = INT64_MIN;  // tick time of the last TICK sent
    BarTrack bars[3];                 // M1, M5, M15
  };

  std::string broker_time(int64_t utc_s) const;
  ea::EaAccount account_snapshot() const;
  void run_timer(int64_t utc_s, std::vector<Outbound>& out);
  void send_telemetry(std::string payload, std::vector<Outbound>& out);
  void send_reply(std::string payload, int64_t t_ns, std::vector<Outbound>& out);
  void handle_fire(const ea::EaCommand& c, int64_t t_ns, std::vector<Outbound>& out);
  void handle_close_all(int64_t t_ns, std::vector<Outbound>& out);
  void handle_close_ticket(int64_t ticket, int64_t t_ns, std::vector<Outbound>& out);
  std::string malformed(const std::string& payload);

  const SymbolTable& symbols_;
  SimEaConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  SimBroker broker_;
  std::mt19937_64 rng_;
  std::vector<SymbolState> state_;
  std::string node_id_;
  int64_t started_s_ = 0;
  int64_t last_timer_s_ = INT64_MIN;
  int64_t next_heartbeat_s_ = 0;
  int64_t next_ohlc_s_ = 0;
  int64_t ticks_processed_ = 0;
  int64_t restarts_ = 0;
  bool idle_ = false;
  CommandCounters counters_;
  std::deque<std::pair<int64_t, std::string>> delayed_;  // (due ns, payload) for 5558
};

}  // namespace bitten::ea_sim

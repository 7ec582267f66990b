#pragma once
// The socket side: one PUSH (5556), one DEALER (5555, identity = UUID) and one PUSH (5558) per
// simulated EA, all owned by the thread that drives the runner. advance_to() replays the merged
// quotes up to a replay time; run_sim() paces it against the wall clock.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bitten/core/clock.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/messaging/socket.hpp"
#include "replay.hpp"
#include "sim_config.hpp"
#include "sim_ea.hpp"

namespace bitten::ea_sim {

struct RunnerStats {
  uint64_t events = 0;           // replayed quotes
  uint64_t sent = 0;             // messages handed to zmq
  uint64_t sent_telemetry = 0, sent_dealer = 0, sent_confirm = 0;
  uint64_t send_blocked = 0;     // would have blocked (HWM reached / no peer): dropped and counted
  uint64_t send_waits = 0;       // warm-up: 1 ms waits for the HWM to free (nothing dropped)
  uint64_t warmup_events = 0;    // quotes replayed during the warm-up
  uint64_t commands = 0;         // frames received on DEALER sockets
  uint64_t disconnects = 0, reconnects = 0;
  uint64_t passes = 0;
};

class SimRunner {
 public:
  SimRunner(SimConfig config, const SymbolTable& symbols, std::vector<SymbolFeed> feeds,
            std::shared_ptr<spdlog::logger> log = nullptr);
  ~SimRunner();

  // Creates the EAs and their sockets, connects, and sends handshake + HELLO at the replay start.
  // With warmup_s > 0 the replay starts at wall_now_ns - warmup_s (ReplayMerge::seek) and the
  // runner is in the warm-up until end_warmup().
  Status open(int64_t wall_now_ns);
  // Warm-up: commands wait in the DEALER queues (history is no market to trade in; they are read
  // at "now" prices once it ends) and, once set_give_up() was called (run_sim does), a send that
  // would block waits for the HWM instead of dropping, until give_up() says stop.
  bool warming() const { return warming_; }
  void set_give_up(std::function<bool()> give_up) { give_up_ = std::move(give_up); }
  void end_warmup() { warming_ = false; }
  int64_t warmup_start_ns() const { return warmup_start_ns_; }
  // Replays every quote with time <= t and runs the EAs' timers up to t. false once the data has
  // ended and looping is off.
  bool advance_to(int64_t replay_t_ns);
  // Instant polling: one non-blocking read sweep over every DEALER socket.
  void poll_commands();
  // DISCONNECT from every EA, then closes the sockets.
  void close();

  int64_t replay_start_ns() const { return start_ns_; }
  int64_t replay_now_ns() const { return now_ns_; }
  int64_t next_event_ns() const { return merge_->peek_time(); }
  size_t ea_count() const { return nodes_.size(); }
  SimEa& ea(size_t i) { return *nodes_[i].ea; }
  const RunnerStats& stats() const { return stats_; }
  const std::vector<SymbolFeed>& feeds() const { return feeds_; }
  void set_idle(bool idle);
  // Test hook: everything the EAs sent, in order (only when recording is on).
  void record(bool on) { record_ = on; }
  std::vector<std::pair<Channel, std::string>>& recorded() { return recorded_; }

 private:
  struct Node {
    std::unique_ptr<SimEa> ea;
    std::unique_ptr<messaging::Socket> telemetry, dealer, confirm;
    bool connected = false;
    int64_t reconnect_at_ns = 0;
  };
  Status connect(Node& n);
  void disconnect(Node& n);
  void flush(Node& n);
  void poll_one(Node& n);
  void timers(int64_t t_ns);
  void faults(int64_t t_ns);

  SimConfig config_;
  const SymbolTable& symbols_;
  std::vector<SymbolFeed> feeds_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<ReplayMerge> merge_;
  std::vector<Node> nodes_;
  std::vector<Outbound> out_;
  RunnerStats stats_;
  int64_t start_ns_ = 0;
  int64_t now_ns_ = 0;
  int64_t last_second_ = INT64_MIN;
  int64_t next_disconnect_ns_ = INT64_MAX;
  size_t next_victim_ = 0;
  bool record_ = false;
  bool ended_ = false;
  bool warming_ = false;
  int64_t warmup_start_ns_ = 0;
  std::function<bool()> give_up_;
  std::vector<std::pair<Channel, std::string>> recorded_;
};

// Paces a runner against the clock until should_stop(), the configured duration, or the end of the
// data. Handles instant polling, idling while a real EA is online, and periodic stats in the log.
// on_stats is called with each stats log line (every stats_interval_s), or every on_stats_interval_ms
// when that is > 0 (the daemon's health heartbeat), and once at the end.
Status run_sim(SimRunner& runner, const SimConfig& config, const Clock& clock, const std::function<bool()>& should_stop,
               const std::shared_ptr<spdlog::logger>& log, const std::function<void(const RunnerStats&)>& on_stats = {},
               int64_t on_stats_interval_ms = 0);

// Watches ea.* events (XPUB of the event bus) for EAs whose UUID lacks the simulator's prefix.
class RealEaWatcher {
 public:
  RealEaWatcher(const std::string& endpoint, std::string sim_prefix, int64_t ttl_s);
  // Drains pending events; true while a real EA has been seen within the TTL and not disconnected.
  bool real_ea_online(int64_t wall_now_ns);
  // Applies one event (exposed for tests): topic "ea.<kind>", envelope JSON with data.uuid.
  void on_event(const std::string& topic, const std::string& envelope, int64_t wall_now_ns);

 private:
  messaging::Socket sub_;
  std::string prefix_;
  int64_t ttl_ns_;
  std::map<std::string, int64_t> last_seen_;  // real UUID -> wall ns; erased on disconnect/offline
};

}  // namespace bitten::ea_sim

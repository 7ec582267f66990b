#pragma once
// ea_sim's configuration (config/ea_sim.json, strict) and its command-line overrides.
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/runtime/config.hpp"
#include "broker.hpp"
#include "replay.hpp"
#include "sim_ea.hpp"

namespace bitten::ea_sim {

struct SimConfig {
  // Endpoints the EAs connect to (they never bind).
  std::string telemetry_endpoint = "tcp://127.0.0.1:5556";  // PUSH
  std::string command_endpoint = "tcp://127.0.0.1:5555";    // DEALER, identity = UUID
  std::string confirm_endpoint = "tcp://127.0.0.1:5558";    // PUSH
  std::vector<FeedSpec> feeds;
  std::string data_dir;  // base folder of relative feed paths ("" = working directory)

  double speed = 60;          // replay seconds per wall second; 0 = as fast as possible
  bool loop = true;           // repeat the data (each pass shifted by whole loop_align_s periods)
  int64_t loop_align_s = 7 * 86400;
  bool shift_to_now = false;  // shift by whole weeks so the data lands in the last week
  int64_t shift_s = 0;        // extra fixed shift (added)
  int64_t broker_offset_s = 0;  // broker time = UTC + this, in every timestamp written
  int64_t duration_s = 0;     // stop after this many wall seconds (0 = until stopped / data ends)
  // Warm-up: start the replay this many seconds before now (needs shift_to_now and loop) and play
  // up to now as fast as the fleet takes it (sends wait at the HWM instead of dropping), then go on
  // at `speed`. 0 = off: the replay starts at the data's first quote. See docs/ea_sim.md.
  int64_t warmup_s = 0;

  int eas = 1;
  std::string uuid_prefix = "SIM_";
  // false: UUIDs are <prefix>EA_000001, EA_000002... (stable across restarts, so an operator can
  // bind them to users); true: <prefix><n>_<random hex>.
  bool random_uuids = true;
  std::string chart_symbol;   // "" = the first feed's symbol
  bool poll_on_chart_tick = true;  // the EA's quirk; false = instant polling
  int64_t instant_poll_interval_ms = 2;
  bool raw_strings = true;    // EaFormat: paste strings raw like the EA (quote quirk)
  int64_t login_base = 7'100'000;
  std::string company = "BITTEN Simulated Markets Ltd";
  std::string server = "BittenSim-Demo";
  int64_t heartbeat_period_s = 30;
  bool ohlc_align_to_minute = false;
  uint64_t seed = 0;          // 0 = random per run
  int sndhwm = 1000;          // libzmq's default, which the EA leaves unchanged
  BrokerConfig broker;
  EaFaults faults;

  // Process-level faults.
  int64_t disconnect_every_s = 0;  // replay seconds between disconnects (round-robin over EAs); 0 = never
  int64_t reconnect_after_s = 10;  // replay seconds offline
  bool disconnect_graceful = false;  // send DISCONNECT first (terminal closed) instead of a network cut
  int duplicate_uuid = 0;          // extra EAs that reuse the first EA's UUID

  // Idle while a real EA is online (ea.* events from the event bus XPUB).
  bool idle_when_real_ea = false;
  std::string event_bus_sub = "tcp://127.0.0.1:5570";
  int64_t real_ea_ttl_s = 120;

  int64_t stats_interval_s = 10;

  static Result<SimConfig> read(runtime::ConfigReader& cfg);
};

constexpr int64_t kMaxWarmupS = 30 * 86400;
// Why warmup_s cannot be used with the rest of the config ("" = fine).
std::string warmup_problem(const SimConfig& c);

// Command-line overrides (see docs/ea_sim.md). Unknown options are errors.
Status apply_command_line(SimConfig& c, int argc, char** argv);
std::string command_line_help();

}  // namespace bitten::ea_sim

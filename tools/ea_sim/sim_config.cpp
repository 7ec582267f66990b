#include "sim_config.hpp"

#include <cstdlib>
#include <set>

namespace bitten::ea_sim {

namespace {

void read_feeds(runtime::ConfigReader& cfg, SimConfig& c) {
  const nlohmann::json feeds = cfg.raw("feeds");
  if (feeds.is_null()) return;
  if (!feeds.is_array()) return cfg.fail("feeds", "expected an array of {symbol, format, path, ...}");
  static const std::set<std::string> known = {"symbol", "format", "path", "ask_path", "source_utc_offset_s",
                                              "spread_points", "ticks_per_bar"};
  for (size_t i = 0; i < feeds.size(); ++i) {
    const auto& f = feeds[i];
    const std::string key = "feeds[" + std::to_string(i) + "]";
    if (!f.is_object()) {
      cfg.fail(key, "expected an object");
      continue;
    }
    for (auto it = f.begin(); it != f.end(); ++it)
      if (!known.count(it.key())) cfg.fail(key + "." + it.key(), "unknown key");
    FeedSpec s;
    try {
      s.symbol = f.at("symbol").get<std::string>();
      s.path = f.at("path").get<std::string>();
      auto fmt = parse_feed_format(f.at("format").get<std::string>());
      if (!fmt) cfg.fail(key + ".format", fmt.error().message);
      else s.format = *fmt;
      s.ask_path = f.value("ask_path", std::string());
      s.source_utc_offset_s = f.value("source_utc_offset_s", int64_t{0});
      s.spread_points = f.value("spread_points", 10.0);
      s.ticks_per_bar = f.value("ticks_per_bar", 0);
    } catch (const std::exception& e) {
      cfg.fail(key, std::string("needs symbol, format and path: ") + e.what());
      continue;
    }
    if (s.spread_points < 0) cfg.fail(key + ".spread_points", "must be >= 0");
    c.feeds.push_back(s);
  }
}

}  // namespace

std::string warmup_problem(const SimConfig& c) {
  if (c.warmup_s < 0) return "must be >= 0 seconds (0 = no warm-up)";
  if (c.warmup_s > kMaxWarmupS) return "must be at most " + std::to_string(kMaxWarmupS) + " seconds (30 days)";
  if (c.warmup_s == 0) return "";
  if (!c.shift_to_now) return "a warm-up ends at now, so it needs shift_to_now: true (or set warmup_s to 0)";
  if (!c.loop) return "a warm-up replays the data up to now and on from there, so it needs loop: true (or set warmup_s to 0)";
  return "";
}

Result<SimConfig> SimConfig::read(runtime::ConfigReader& cfg) {
  SimConfig c;
  c.telemetry_endpoint = cfg.get<std::string>("telemetry_endpoint", c.telemetry_endpoint);
  c.command_endpoint = cfg.get<std::string>("command_endpoint", c.command_endpoint);
  c.confirm_endpoint = cfg.get<std::string>("confirm_endpoint", c.confirm_endpoint);
  read_feeds(cfg, c);
  c.data_dir = cfg.get<std::string>("data_dir", c.data_dir);
  c.speed = cfg.get<double>("speed", c.speed);
  c.loop = cfg.get<bool>("loop", c.loop);
  c.shift_to_now = cfg.get<bool>("shift_to_now", c.shift_to_now);
  c.shift_s = cfg.get<int64_t>("shift_s", c.shift_s);
  c.broker_offset_s = cfg.get<int64_t>("broker_offset_s", c.broker_offset_s);
  c.duration_s = cfg.get<int64_t>("duration_s", c.duration_s);
  c.warmup_s = cfg.get<int64_t>("warmup_s", c.warmup_s);
  c.eas = cfg.get<int>("eas", c.eas);
  c.uuid_prefix = cfg.get<std::string>("uuid_prefix", c.uuid_prefix);
  c.random_uuids = cfg.get<bool>("random_uuids", c.random_uuids);
  c.loop_align_s = cfg.get<int64_t>("loop_align_s", c.loop_align_s);
  if (c.loop_align_s < 1) cfg.fail("loop_align_s", "must be at least 1 second");
  c.chart_symbol = cfg.get<std::string>("chart_symbol", c.chart_symbol);
  c.poll_on_chart_tick = cfg.get<bool>("poll_on_chart_tick", c.poll_on_chart_tick);
  c.instant_poll_interval_ms = cfg.get<int64_t>("instant_poll_interval_ms", c.instant_poll_interval_ms);
  c.raw_strings = cfg.get<bool>("raw_strings", c.raw_strings);
  c.login_base = cfg.get<int64_t>("login_base", c.login_base);
  c.company = cfg.get<std::string>("company", c.company);
  c.server = cfg.get<std::string>("server", c.server);
  c.heartbeat_period_s = cfg.get<int64_t>("heartbeat_period_s", c.heartbeat_period_s);
  c.ohlc_align_to_minute = cfg.get<bool>("ohlc_align_to_minute", c.ohlc_align_to_minute);
  c.seed = cfg.get<uint64_t>("seed", c.seed);
  c.sndhwm = cfg.get<int>("sndhwm", c.sndhwm);
  c.stats_interval_s = cfg.get<int64_t>("stats_interval_s", c.stats_interval_s);

  auto b = cfg.section("broker");
  c.broker.currency = b.get<std::string>("currency", c.broker.currency);
  c.broker.balance = b.get<double>("balance", c.broker.balance);
  c.broker.leverage = b.get<int64_t>("leverage", c.broker.leverage);
  c.broker.slippage_points = b.get<double>("slippage_points", c.broker.slippage_points);
  c.broker.random_slippage_points = b.get<double>("random_slippage_points", c.broker.random_slippage_points);
  c.broker.reject_rate = b.get<double>("reject_rate", c.broker.reject_rate);
  c.broker.market_closed_after_s = b.get<int64_t>("market_closed_after_s", c.broker.market_closed_after_s);

  auto f = cfg.section("faults");
  c.faults.stop_heartbeats_after_s = f.get<int64_t>("stop_heartbeats_after_s", c.faults.stop_heartbeats_after_s);
  c.faults.confirm_drop_rate = f.get<double>("confirm_drop_rate", c.faults.confirm_drop_rate);
  c.faults.confirm_delay_ms = f.get<int64_t>("confirm_delay_ms", c.faults.confirm_delay_ms);
  c.faults.malformed_rate = f.get<double>("malformed_rate", c.faults.malformed_rate);
  c.disconnect_every_s = f.get<int64_t>("disconnect_every_s", c.disconnect_every_s);
  c.reconnect_after_s = f.get<int64_t>("reconnect_after_s", c.reconnect_after_s);
  c.disconnect_graceful = f.get<bool>("disconnect_graceful", c.disconnect_graceful);
  c.duplicate_uuid = f.get<int>("duplicate_uuid", c.duplicate_uuid);

  auto idle = cfg.section("idle");
  c.idle_when_real_ea = idle.get<bool>("when_real_ea_online", c.idle_when_real_ea);
  c.event_bus_sub = idle.get<std::string>("event_bus_sub", c.event_bus_sub);
  c.real_ea_ttl_s = idle.get<int64_t>("real_ea_ttl_s", c.real_ea_ttl_s);

  if (c.feeds.empty()) cfg.fail("feeds", "at least one feed is needed");
  if (c.speed < 0) cfg.fail("speed", "must be >= 0 (0 = as fast as possible)");
  if (c.eas < 1 || c.eas > 20000) cfg.fail("eas", "must be 1..20000");
  if (c.heartbeat_period_s < 1) cfg.fail("heartbeat_period_s", "must be >= 1");
  if (c.broker.leverage < 1) cfg.fail("broker.leverage", "must be >= 1");
  if (c.broker.reject_rate < 0 || c.broker.reject_rate > 1) cfg.fail("broker.reject_rate", "must be 0..1");
  if (c.faults.confirm_drop_rate < 0 || c.faults.confirm_drop_rate > 1) cfg.fail("faults.confirm_drop_rate", "must be 0..1");
  if (c.faults.malformed_rate < 0 || c.faults.malformed_rate > 1) cfg.fail("faults.malformed_rate", "must be 0..1");
  if (c.duplicate_uuid < 0) cfg.fail("faults.duplicate_uuid", "must be >= 0");
  if (c.sndhwm < 1) cfg.fail("sndhwm", "must be >= 1");
  if (auto problem = warmup_problem(c); !problem.empty()) cfg.fail("warmup_s", problem);
  return c;
}

std::string command_line_help() {
  return R"(ea_sim [--config config/ea_sim.json] [options]
  --eas N                 number of simulated EAs (each its own UUID and account)
  --speed X               replay speed (x real time); 0 or --max-speed = as fast as possible
  --max-speed             as fast as possible
  --loop | --no-loop      repeat the data when it ends, or stop
  --shift-to-now          shift the data by whole weeks into the last week
  --shift-s S             extra fixed time shift in seconds
  --broker-offset-s S     broker time = UTC + S in every timestamp written
  --duration-s S          stop after S wall seconds
  --warmup-s S            start S seconds before now and replay up to now as fast as the fleet takes it,
                          then at --speed (needs shift_to_now and loop; 0 = off; --no-loop turns it off)
  --uuid-prefix P         UUID prefix (default SIM_)
  --seed N                random seed (UUIDs, tickets, slippage, rejects, faults)
  --instant-poll          read commands continuously instead of on chart-symbol ticks
  --chart-poll            the EA's quirk: one command read per chart-symbol tick
  --telemetry EP | --command EP | --confirm EP   endpoints (5556 / 5555 / 5558)
  --malformed-rate P | --confirm-drop-rate P | --confirm-delay-ms MS | --stop-heartbeats-after-s S
  --disconnect-every-s S | --reconnect-after-s S | --duplicate-uuid N
  --idle-when-real-ea     go quiet while a real (non-prefixed) EA is online
)";
}

Status apply_command_line(SimConfig& c, int argc, char** argv) {
  auto num = [](const std::string& opt, const char* v, double& out) -> Status {
    char* end = nullptr;
    out = std::strtod(v, &end);
    if (!end || *end != '\0') return make_error("bad_config", opt + ": not a number: " + v);
    return ok_status();
  };
  bool warmup_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    // Flags without a value.
    if (a == "--loop") { c.loop = true; continue; }
    if (a == "--no-loop") { c.loop = false; continue; }
    if (a == "--shift-to-now") { c.shift_to_now = true; continue; }
    if (a == "--max-speed") { c.speed = 0; continue; }
    if (a == "--instant-poll") { c.poll_on_chart_tick = false; continue; }
    if (a == "--chart-poll") { c.poll_on_chart_tick = true; continue; }
    if (a == "--idle-when-real-ea") { c.idle_when_real_ea = true; continue; }
    if (a == "--config") { ++i; continue; }  // read by run_daemon
    const char* v = value();
    if (!v) return make_error("bad_config", a + ": missing value (see --help)");
    double d = 0;
    if (a == "--telemetry") c.telemetry_endpoint = v;
    else if (a == "--command") c.command_endpoint = v;
    else if (a == "--confirm") c.confirm_endpoint = v;
    else if (a == "--uuid-prefix") c.uuid_prefix = v;
    else {
      if (auto st = num(a, v, d); !st) return st;
      if (a == "--eas") c.eas = static_cast<int>(d);
      else if (a == "--speed") c.speed = d;
      else if (a == "--shift-s") c.shift_s = static_cast<int64_t>(d);
      else if (a == "--broker-offset-s") c.broker_offset_s = static_cast<int64_t>(d);
      else if (a == "--duration-s") c.duration_s = static_cast<int64_t>(d);
      else if (a == "--warmup-s") {
        if (d != static_cast<double>(static_cast<int64_t>(d)))
          return make_error("bad_config", "--warmup-s: not a whole number of seconds: " + std::string(v));
        c.warmup_s = static_cast<int64_t>(d);
        warmup_given = true;
      }
      else if (a == "--seed") c.seed = static_cast<uint64_t>(d);
      else if (a == "--malformed-rate") c.faults.malformed_rate = d;
      else if (a == "--confirm-drop-rate") c.faults.confirm_drop_rate = d;
      else if (a == "--confirm-delay-ms") c.faults.confirm_delay_ms = static_cast<int64_t>(d);
      else if (a == "--stop-heartbeats-after-s") c.faults.stop_heartbeats_after_s = static_cast<int64_t>(d);
      else if (a == "--disconnect-every-s") c.disconnect_every_s = static_cast<int64_t>(d);
      else if (a == "--reconnect-after-s") c.reconnect_after_s = static_cast<int64_t>(d);
      else if (a == "--duplicate-uuid") c.duplicate_uuid = static_cast<int>(d);
      else return make_error("bad_config", "unknown option " + a + " (see --help)");
    }
  }
  if (c.eas < 1 || c.speed < 0) return make_error("bad_config", "--eas must be >= 1 and --speed >= 0");
  // --no-loop replays the data once from its start (tests, load runs): the config's warm-up is off.
  if (!c.loop && !warmup_given) c.warmup_s = 0;
  if (auto problem = warmup_problem(c); !problem.empty()) return make_error("bad_config", "--warmup-s: " + problem);
  return ok_status();
}

}  // namespace bitten::ea_sim

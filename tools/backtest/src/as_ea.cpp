#include "bitten/backtest/as_ea.hpp"

#include <filesystem>
#include <set>

#include "bitten/core/clock.hpp"
#include "bitten/detector/detector.hpp"
#include "bitten/runtime/config.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/envelope.hpp"
#include "bridge.hpp"
#include "bridge_config.hpp"
#include "replay.hpp"
#include "sim_config.hpp"
#include "sim_ea.hpp"

namespace bitten::backtest {
namespace {

// Opens <dir>/<name>.json and consumes the keys of the daemon frame (run_daemon) that a replay
// does not use, so that the strict reader still refuses anything unknown.
Result<runtime::ConfigReader> open_daemon_config(const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / (name + ".json")).string();
  auto cfg = runtime::ConfigReader::from_file(path);
  if (!cfg) return cfg.error();
  for (const char* k : {"log_level", "event_bus", "state_dir", "symbols"}) (void)cfg->get<std::string>(k, "");
  (void)cfg->get<int64_t>("health_interval_ms", 0);
  return cfg;
}

int64_t second_of(int64_t t_ns) { return t_ns >= 0 ? t_ns / ea_sim::kNsPerSecond : -((-t_ns - 1) / ea_sim::kNsPerSecond) - 1; }

}  // namespace

Result<AsEaResult> replay_as_ea(const std::string& config_dir, std::vector<patterns::EngineConfig> engines,
                                const SymbolTable& symbols) {
  auto sim_cfg_reader = open_daemon_config(config_dir, "ea_sim");
  if (!sim_cfg_reader) return sim_cfg_reader.error();
  auto sim_cfg = ea_sim::SimConfig::read(*sim_cfg_reader);
  if (auto st = sim_cfg_reader->finish(); !st) return st.error();
  if (!sim_cfg) return sim_cfg.error();
  if (sim_cfg->shift_to_now || sim_cfg->warmup_s > 0)
    return make_error("bad_config", "ea_sim.json: shift_to_now and warmup_s make the replay's times depend on the wall "
                                    "clock; set shift_to_now false and warmup_s 0 to compare with a backtest");
  auto bridge_reader = open_daemon_config(config_dir, "telemetry_bridge");
  if (!bridge_reader) return bridge_reader.error();
  auto bridge_cfg = bridge::BridgeConfig::read(*bridge_reader);
  if (auto st = bridge_reader->finish(); !st) return st.error();
  if (!bridge_cfg) return bridge_cfg.error();

  AsEaResult result;
  std::vector<ea_sim::SymbolFeed> feeds;
  std::vector<std::string> names;
  size_t chart = 0;
  for (const auto& spec : sim_cfg->feeds) {
    const SymbolSpec* s = symbols.find(spec.symbol);
    if (!s) return make_error("bad_config", "feed symbol " + spec.symbol + " is not in symbols.json");
    auto feed = ea_sim::load_feed(spec, *s, sim_cfg->data_dir);
    if (!feed) return feed.error();
    if (spec.symbol == sim_cfg->chart_symbol) chart = names.size();
    names.push_back(spec.symbol);
    AsEaFeed q;
    q.symbol = spec.symbol;
    q.quotes.symbol = spec.symbol;
    std::set<int64_t> days;
    for (const auto& quote : feed->quotes) {
      const int64_t t = quote.time_ns + sim_cfg->shift_s * ea_sim::kNsPerSecond;
      q.quotes.ticks.push_back(market::Tick{t, quote.bid, quote.ask});
      days.insert(second_of(t) / 86400);
    }
    q.quotes.days = days.size();
    result.feeds.push_back(std::move(q));
    feeds.push_back(std::move(*feed));
  }
  if (feeds.empty()) return make_error("bad_config", "ea_sim.json has no feeds");
  ea_sim::ReplayMerge merge(feeds, sim_cfg->shift_s * ea_sim::kNsPerSecond, false, sim_cfg->loop_align_s);
  if (merge.empty()) return make_error("bad_config", "the replay feeds hold no quotes");

  // The first EA as ea_sim configures it (see SimRunner::open), without fault injection.
  ea_sim::SimEaConfig ec;
  ec.uuid = sim_cfg->uuid_prefix + "EA_000001";
  ec.login = sim_cfg->login_base;
  ec.node_id = "NODE_" + std::to_string(ec.login) + "_100000";
  ec.company = sim_cfg->company;
  ec.server = sim_cfg->server;
  ec.symbols = names;
  ec.chart_symbol = chart;
  ec.broker_offset_s = sim_cfg->broker_offset_s;
  ec.poll_on_chart_tick = sim_cfg->poll_on_chart_tick;
  ec.heartbeat_period_s = sim_cfg->heartbeat_period_s;
  ec.ohlc_align_to_minute = sim_cfg->ohlc_align_to_minute;
  ec.format.raw_strings = sim_cfg->raw_strings;
  ec.broker = sim_cfg->broker;
  ec.seed = 1;
  ea_sim::SimEa ea(symbols, ec);

  FakeClock clock(merge.first_time());
  runtime::Health bridge_health("telemetry_bridge", clock);
  bridge::TelemetryBridge bridge(*bridge_cfg, symbols, bridge_health);
  std::vector<std::unique_ptr<runtime::Health>> healths;
  std::vector<std::unique_ptr<detector::Detector>> detectors;
  for (auto& e : engines) {
    healths.push_back(std::make_unique<runtime::Health>(e.source, clock));
    detectors.push_back(std::make_unique<detector::Detector>(std::move(e), symbols, *healths.back()));
  }

  std::vector<ea_sim::Outbound> ea_out;
  std::vector<bridge::Outbound> bridge_out;
  std::vector<detector::Outbound> det_out;
  messaging::Frames frames(2);
  auto deliver = [&](int64_t t_ns) {
    for (auto& m : ea_out) {
      if (m.channel != ea_sim::Channel::Telemetry) continue;  // DEALER/confirm: not market data
      ++result.ea_messages;
      bridge.on_message({m.payload}, t_ns, bridge_out);
    }
    ea_out.clear();
    for (auto& b : bridge_out) {
      if (b.topic.rfind("tick.", 0) != 0 && b.topic.rfind("bar.", 0) != 0) continue;  // what the detectors subscribe to
      ++result.bridge_published;
      frames[0] = b.topic;
      frames[1] = b.payload;
      for (auto& d : detectors) {
        d->on_message(frames, t_ns, det_out);
        for (auto& o : det_out) {
          auto env = schema::decode_envelope(o.payload);
          if (!env) continue;
          auto s = schema::signal_from_json(env->data);
          if (s) result.signals.push_back(std::move(*s));
        }
        det_out.clear();
      }
    }
    bridge_out.clear();
  };

  int64_t last_s = second_of(merge.first_time());
  clock.set(merge.first_time());
  ea.start(merge.first_time(), ea_out);
  deliver(merge.first_time());
  ea_sim::ReplayEvent ev;
  while (merge.next(ev)) {
    ++result.quotes;
    // The EA's 1 s timer, for every replay second up to this quote's (the simulator advances at
    // least once per wall millisecond, so at ordinary speeds every second gets its timer run).
    const int64_t s = second_of(ev.time_ns);
    for (int64_t x = last_s + 1; x <= s; ++x) {
      const int64_t t = x == s ? ev.time_ns : x * ea_sim::kNsPerSecond;
      clock.set(t);
      ea.on_time(t, ea_out);
      deliver(t);
    }
    last_s = std::max(last_s, s);
    clock.set(ev.time_ns);
    ea.on_quote(ev.feed, ev.bid, ev.ask, ev.time_ns, ea_out);
    deliver(ev.time_ns);
  }
  result.bridge_dropped = bridge_health.get("dropped");
  return result;
}

}  // namespace bitten::backtest

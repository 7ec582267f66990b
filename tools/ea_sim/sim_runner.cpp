#include "sim_runner.hpp"

#include <cstdio>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace bitten::ea_sim {

namespace {
int64_t second_of(int64_t t_ns) { return t_ns / kNsPerSecond - ((t_ns % kNsPerSecond != 0 && t_ns < 0) ? 1 : 0); }

std::string hex(uint64_t v, int digits) {
  static const char* k = "0123456789ABCDEF";
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = k[v & 15];
  return s;
}
}  // namespace

SimRunner::SimRunner(SimConfig config, const SymbolTable& symbols, std::vector<SymbolFeed> feeds,
                     std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), symbols_(symbols), feeds_(std::move(feeds)), log_(std::move(log)) {}

SimRunner::~SimRunner() = default;

Status SimRunner::open(int64_t wall_now_ns) {
  if (feeds_.empty()) return make_error("bad_config", "no replay feeds");
  uint64_t seed = config_.seed ? config_.seed : std::random_device{}();
  std::mt19937_64 rng(seed);
  int64_t first = INT64_MAX;
  for (const auto& f : feeds_)
    if (!f.quotes.empty()) first = std::min(first, f.quotes.front().time_ns);
  int64_t shift = config_.shift_s * kNsPerSecond;
  if (config_.shift_to_now) shift += whole_week_shift_to(first + shift, wall_now_ns);
  merge_ = std::make_unique<ReplayMerge>(feeds_, shift, config_.loop, config_.loop_align_s);
  if (merge_->empty()) return make_error("bad_config", "the replay feeds hold no quotes");
  start_ns_ = now_ns_ = merge_->first_time();
  if (config_.warmup_s > 0) {
    if (auto problem = warmup_problem(config_); !problem.empty()) return make_error("bad_config", "warmup_s: " + problem);
    // The warm-up's first instant; the merge moves to the looped pass holding it (whole passes,
    // so the week shift and the loop alignment are kept).
    warmup_start_ns_ = wall_now_ns - config_.warmup_s * kNsPerSecond;
    merge_->seek(warmup_start_ns_);
    shift = merge_->shift();
    start_ns_ = now_ns_ = warmup_start_ns_;
    warming_ = true;
  }

  std::vector<std::string> names;
  size_t chart = 0;
  for (size_t i = 0; i < feeds_.size(); ++i) {
    names.push_back(feeds_[i].symbol);
    if (!config_.chart_symbol.empty() && feeds_[i].symbol == config_.chart_symbol) chart = i;
  }
  const int total = config_.eas + config_.duplicate_uuid;
  nodes_.reserve(static_cast<size_t>(total));
  for (int i = 0; i < total; ++i) {
    SimEaConfig c;
    const int64_t login = config_.login_base + i;
    if (i >= config_.eas) {
      c.uuid = nodes_.front().ea->uuid();  // a duplicate identity (fault injection)
    } else if (config_.random_uuids) {
      c.uuid = config_.uuid_prefix + std::to_string(i + 1) + "_" + hex(rng(), 8);
    } else {
      char n[16];
      std::snprintf(n, sizeof n, "EA_%06d", i + 1);
      c.uuid = config_.uuid_prefix + n;
    }
    c.login = login;
    c.node_id = "NODE_" + std::to_string(login) + "_" + std::to_string(100'000 + rng() % 900'000'000);
    c.company = config_.company;
    c.server = config_.server;
    c.symbols = names;
    c.chart_symbol = chart;
    c.broker_offset_s = config_.broker_offset_s;
    c.poll_on_chart_tick = config_.poll_on_chart_tick;
    c.heartbeat_period_s = config_.heartbeat_period_s;
    c.ohlc_align_to_minute = config_.ohlc_align_to_minute;
    c.format.raw_strings = config_.raw_strings;
    c.broker = config_.broker;
    c.broker.seed = rng();
    c.faults = config_.faults;
    c.seed = rng();
    Node n;
    n.ea = std::make_unique<SimEa>(symbols_, std::move(c), log_);
    nodes_.push_back(std::move(n));
  }
  for (auto& n : nodes_) {
    if (auto st = connect(n); !st) return st;
    n.ea->start(start_ns_, out_);
    flush(n);
  }
  if (config_.disconnect_every_s > 0) next_disconnect_ns_ = start_ns_ + config_.disconnect_every_s * kNsPerSecond;
  last_second_ = second_of(start_ns_);
  if (log_)
    log_->info("{} EAs ({} with a duplicated UUID), {} feeds, replay from {} s (shift {} s), chart symbol {}",
               nodes_.size(), config_.duplicate_uuid, feeds_.size(), start_ns_ / kNsPerSecond, shift / kNsPerSecond,
               names[chart]);
  return ok_status();
}

Status SimRunner::connect(Node& n) {
  messaging::SocketOptions push;
  push.sndhwm = config_.sndhwm;
  push.linger_ms = 200;
  messaging::SocketOptions dealer = push;
  dealer.identity = n.ea->uuid();
  dealer.rcvhwm = config_.sndhwm;
  n.telemetry = std::make_unique<messaging::Socket>(messaging::SocketType::Push, push);
  n.dealer = std::make_unique<messaging::Socket>(messaging::SocketType::Dealer, dealer);
  n.confirm = std::make_unique<messaging::Socket>(messaging::SocketType::Push, push);
  if (auto st = n.telemetry->connect(config_.telemetry_endpoint); !st) return make_error("bad_config", st.error().message);
  if (auto st = n.dealer->connect(config_.command_endpoint); !st) return make_error("bad_config", st.error().message);
  if (auto st = n.confirm->connect(config_.confirm_endpoint); !st) return make_error("bad_config", st.error().message);
  n.connected = true;
  return ok_status();
}

void SimRunner::disconnect(Node& n) {
  if (!n.connected) return;
  if (config_.disconnect_graceful) {
    n.ea->stop(now_ns_, out_);
    flush(n);
  }
  n.telemetry.reset();
  n.dealer.reset();
  n.confirm.reset();
  n.connected = false;
  ++stats_.disconnects;
}

void SimRunner::flush(Node& n) {
  for (auto& o : out_) {
    if (record_) recorded_.emplace_back(o.channel, o.payload);
    if (!n.connected) continue;
    messaging::Socket* s = o.channel == Channel::Telemetry ? n.telemetry.get()
                           : o.channel == Channel::Dealer  ? n.dealer.get()
                                                           : n.confirm.get();
    // The EA sends blocking; one thread playing many EAs cannot, so a send that would block is
    // dropped and counted instead (only when the peer is absent or far behind).
    auto r = s->send_one(o.payload, true);
    // Warm-up: as fast as the fleet takes it, and no message lost: wait for the HWM to free.
    while (warming_ && give_up_ && r && !*r && !give_up_()) {
      ++stats_.send_waits;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      r = s->send_one(o.payload, true);
    }
    if (!r || !*r) {
      ++stats_.send_blocked;
      continue;
    }
    ++stats_.sent;
    if (o.channel == Channel::Telemetry) ++stats_.sent_telemetry;
    else if (o.channel == Channel::Dealer) ++stats_.sent_dealer;
    else ++stats_.sent_confirm;
  }
  out_.clear();
}

void SimRunner::poll_one(Node& n) {
  if (!n.connected) return;
  auto frames = n.dealer->recv(true);
  if (!frames) return;
  for (const auto& f : *frames) {
    ++stats_.commands;
    n.ea->on_command(f, now_ns_, out_);
  }
  flush(n);
}

void SimRunner::poll_commands() {
  if (warming_) return;
  for (auto& n : nodes_) {
    // Drain what is waiting (instant mode reads as fast as commands come).
    for (int k = 0; k < 64 && n.connected; ++k) {
      const uint64_t before = stats_.commands;
      poll_one(n);
      if (stats_.commands == before) break;
    }
  }
}

void SimRunner::timers(int64_t t_ns) {
  for (auto& n : nodes_) {
    n.ea->on_time(t_ns, out_);
    flush(n);
  }
}

void SimRunner::faults(int64_t t_ns) {
  if (config_.disconnect_every_s <= 0) return;
  for (auto& n : nodes_) {
    if (n.connected || n.reconnect_at_ns == 0 || n.reconnect_at_ns > t_ns) continue;
    n.reconnect_at_ns = 0;
    if (connect(n)) {
      n.ea->restart(t_ns, out_);
      flush(n);
      ++stats_.reconnects;
      if (log_) log_->info("{}: fault injection: reconnected as {}", n.ea->uuid(), n.ea->node_id());
    }
  }
  while (t_ns >= next_disconnect_ns_) {
    next_disconnect_ns_ += config_.disconnect_every_s * kNsPerSecond;
    Node& v = nodes_[next_victim_++ % nodes_.size()];
    if (!v.connected) continue;
    disconnect(v);
    v.reconnect_at_ns = t_ns + std::max<int64_t>(1, config_.reconnect_after_s) * kNsPerSecond;
    if (log_) log_->info("{}: fault injection: disconnected ({})", v.ea->uuid(), config_.disconnect_graceful ? "graceful" : "network cut");
  }
}

bool SimRunner::advance_to(int64_t t) {
  ReplayEvent ev;
  while (!ended_ && merge_->peek_time() <= t) {
    if (!merge_->next(ev)) break;
    ++stats_.events;
    if (warming_) ++stats_.warmup_events;
    now_ns_ = ev.time_ns;
    if (const int64_t s = second_of(ev.time_ns); s != last_second_) {
      last_second_ = s;
      timers(ev.time_ns);
      faults(ev.time_ns);
    }
    for (auto& n : nodes_) {
      const bool poll = n.ea->on_quote(ev.feed, ev.bid, ev.ask, ev.time_ns, out_);
      if (!out_.empty()) flush(n);
      if (poll && !warming_) poll_one(n);
    }
  }
  if (merge_->peek_time() == INT64_MAX) ended_ = true;
  if (t > now_ns_) {
    now_ns_ = t;
    if (const int64_t s = second_of(t); s != last_second_) {
      last_second_ = s;
      timers(t);
      faults(t);
    }
  }
  stats_.passes = merge_->passes();
  return !ended_;
}

void SimRunner::set_idle(bool idle) {
  for (auto& n : nodes_) n.ea->set_idle(idle);
}

void SimRunner::close() {
  for (auto& n : nodes_) {
    if (!n.connected) continue;
    n.ea->stop(now_ns_, out_);
    flush(n);
  }
  for (auto& n : nodes_) {
    n.telemetry.reset();
    n.dealer.reset();
    n.confirm.reset();
    n.connected = false;
  }
}

RealEaWatcher::RealEaWatcher(const std::string& endpoint, std::string sim_prefix, int64_t ttl_s)
    : sub_(messaging::SocketType::Sub, messaging::SocketOptions{1000, 10000, 0, 1 << 20, false, "", -1}),
      prefix_(std::move(sim_prefix)),
      ttl_ns_(ttl_s * kNsPerSecond) {
  (void)sub_.connect(endpoint);
  sub_.subscribe("ea.");
}

void RealEaWatcher::on_event(const std::string& topic, const std::string& envelope, int64_t wall_now_ns) {
  if (topic.rfind("ea.", 0) != 0) return;
  auto j = nlohmann::json::parse(envelope, nullptr, false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_object()) return;
  const auto& d = j["data"];
  const std::string uuid = d.value("uuid", std::string());
  const std::string kind = d.value("kind", topic.substr(3));
  if (uuid.empty() || (!prefix_.empty() && uuid.rfind(prefix_, 0) == 0)) return;
  if (kind == "disconnect" || kind == "offline") last_seen_.erase(uuid);
  else last_seen_[uuid] = wall_now_ns;
}

bool RealEaWatcher::real_ea_online(int64_t wall_now_ns) {
  for (int k = 0; k < 1000; ++k) {
    auto f = sub_.recv(true);
    if (!f) break;
    if (f->size() >= 2) on_event((*f)[0], (*f)[1], wall_now_ns);
  }
  for (auto it = last_seen_.begin(); it != last_seen_.end();) {
    if (wall_now_ns - it->second > ttl_ns_) it = last_seen_.erase(it);
    else ++it;
  }
  return !last_seen_.empty();
}

Status run_sim(SimRunner& runner, const SimConfig& config, const Clock& clock, const std::function<bool()>& should_stop,
               const std::shared_ptr<spdlog::logger>& log, const std::function<void(const RunnerStats&)>& on_stats,
               int64_t on_stats_interval_ms) {
  const int64_t wall0 = clock.mono_ns();
  ReplayPacer pacer(config.speed, runner.warming(), runner.replay_now_ns(), wall0);
  if (runner.warming()) {
    runner.set_give_up([&should_stop] { return should_stop && should_stop(); });
    if (log)
      log->info("warm-up: replaying {} s of prices from {} s up to now as fast as the fleet takes them, then x{}",
                config.warmup_s, runner.replay_now_ns() / kNsPerSecond, config.speed);
  }
  std::unique_ptr<RealEaWatcher> watcher;
  if (config.idle_when_real_ea) watcher = std::make_unique<RealEaWatcher>(config.event_bus_sub, config.uuid_prefix, config.real_ea_ttl_s);
  bool idle = false;
  int64_t next_stats = wall0 + config.stats_interval_s * kNsPerSecond;
  int64_t next_on_stats = wall0;
  int64_t next_poll = wall0;
  int64_t next_watch = wall0;
  while (!(should_stop && should_stop())) {
    const int64_t now = clock.mono_ns();
    if (config.duration_s > 0 && now - wall0 >= config.duration_s * kNsPerSecond) break;
    const bool was_warming = pacer.warming();
    const int64_t target = pacer.target(runner.replay_now_ns(), runner.next_event_ns(), clock.now_ns(), now);
    const bool alive = runner.advance_to(target);
    if (was_warming && !pacer.warming()) {
      runner.end_warmup();
      const auto& s = runner.stats();
      if (log)
        log->info("warm-up done: {} quotes ({} s of prices) in {:.3f} s, {} sends waited for the HWM; replay now at {} "
                  "(event time = now), x{} from here",
                  s.warmup_events, (pacer.join_replay_ns() - runner.warmup_start_ns()) / kNsPerSecond,
                  static_cast<double>(now - wall0) / 1e9, s.send_waits, pacer.join_replay_ns(), config.speed);
    }
    if (!config.poll_on_chart_tick && now >= next_poll) {
      runner.poll_commands();
      next_poll = now + config.instant_poll_interval_ms * 1'000'000;
    }
    if (watcher && now >= next_watch) {
      next_watch = now + 100 * 1'000'000;
      const bool real = watcher->real_ea_online(clock.now_ns());
      if (real != idle) {
        idle = real;
        runner.set_idle(idle);
        if (log) log->info(idle ? "a real EA is online: going idle (no TICK/OHLC)" : "no real EA online: replaying again");
      }
    }
    if (now >= next_stats) {
      next_stats = now + config.stats_interval_s * kNsPerSecond;
      const auto& s = runner.stats();
      if (log)
        log->info("replay at {} s: {} quotes, {} sent ({} telemetry, {} dealer, {} confirm), {} would-block, {} commands, pass {}",
                  runner.replay_now_ns() / kNsPerSecond, s.events, s.sent, s.sent_telemetry, s.sent_dealer, s.sent_confirm,
                  s.send_blocked, s.commands, s.passes);
      if (on_stats && on_stats_interval_ms <= 0) on_stats(s);
    }
    // The stats callback on its own period (the daemon's health heartbeat), independent of the log.
    if (on_stats && on_stats_interval_ms > 0 && now >= next_on_stats) {
      next_on_stats = now + on_stats_interval_ms * 1'000'000;
      on_stats(runner.stats());
    }
    if (!alive) {
      if (log) log->info("replay data ended (loop off): stopping");
      break;
    }
    if (config.speed > 0 && !pacer.warming()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  runner.close();
  runner.set_give_up({});  // it refers to should_stop, which outlives only this call
  if (on_stats) on_stats(runner.stats());
  return ok_status();
}

}  // namespace bitten::ea_sim

// The warm-up's time mapping: the replay starts warmup_s before now (whole loop passes, so the
// week shift and the loop alignment are kept), plays up to now as fast as it can without passing
// the wall clock, joins "now" exactly, then goes on at `speed`. Event time is monotonic across the
// join and no symbol's TICK time repeats or goes back. Plus the strict config of warmup_s.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "bitten/core/clock.hpp"
#include "bitten/core/time.hpp"
#include "bitten/messaging/socket.hpp"
#include "replay.hpp"
#include "sim_config.hpp"
#include "sim_runner.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

namespace {
constexpr int64_t kS = kNsPerSecond;

const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}

std::vector<SymbolFeed> demo_feeds() {
  const std::string root = test::source_root() + "/tests/data/";
  std::vector<SymbolFeed> feeds;
  feeds.push_back(*load_feed(make_feed("EURUSD", FeedFormat::LeanTicks, root + "ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv"),
                             *symbols().find("EURUSD")));
  feeds.push_back(*load_feed(make_feed("XAUUSD", FeedFormat::LeanM1, root + "replay/XAUUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
                             *symbols().find("XAUUSD")));
  feeds.push_back(*load_feed(make_feed("NZDUSD", FeedFormat::LeanM1, root + "replay/NZDUSD_oanda_M1_bidask_2014-05-08_12-14utc.csv"),
                             *symbols().find("NZDUSD")));
  return feeds;
}

// 2025-09-15 19:41:16 UTC, a Monday.
const int64_t kNow = *parse_datetime("2025-09-15 19:41:16") * kS;
}  // namespace

// Seek: the pass holding t is reached by whole loop periods, backwards as well as forwards, and
// the replay then continues from the first quote at or after t, looping on as before.
TEST(Warmup, SeekMovesByWholeLoopPassesAndLandsOnTheFirstQuoteAtOrAfterT) {
  const int64_t min = 60 * kS;
  SymbolFeed a{"EURUSD", {{0, 1, 2}, {30 * min, 1, 2}, {89 * min, 1, 2}}, {}, false};
  SymbolFeed b{"XAUUSD", {{10 * min, 3, 4}, {60 * min, 3, 4}}, {}, false};
  std::vector<SymbolFeed> feeds{a, b};
  const int64_t shift = 1000 * min;  // pass 0 starts at 1000 min; period = 90 min (minute-aligned)
  ReplayMerge m(feeds, shift, true, 60);
  ASSERT_EQ(m.loop_period_ns(), 90 * min);

  // Forwards: t = pass 3 + 20 min -> EURUSD +30, XAUUSD +60, EURUSD +89, then pass 4 from its start.
  m.seek(shift + 3 * 90 * min + 20 * min);
  EXPECT_EQ(m.shift(), shift + 3 * 90 * min);
  ReplayEvent e;
  std::vector<int64_t> got;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.next(e));
    got.push_back(e.time_ns - shift);
  }
  EXPECT_EQ(got, (std::vector<int64_t>{300 * min, 330 * min, 359 * min, 360 * min, 370 * min}));

  // Backwards: before pass 0 (the warm-up starts before the week-shifted data).
  ReplayMerge back(feeds, shift, true, 60);
  back.seek(shift - 100 * min);  // in pass -2: [820, 910) min
  EXPECT_EQ(back.shift(), shift - 2 * 90 * min);
  ASSERT_TRUE(back.next(e));
  EXPECT_EQ(e.time_ns, shift - 2 * 90 * min + 89 * min);  // first quote >= 900 min
  ASSERT_TRUE(back.next(e));
  EXPECT_EQ(e.time_ns, shift - 90 * min);  // then pass -1 from its start
  EXPECT_EQ(e.feed, 0u);

  // t exactly on a quote: that quote is replayed; t after a pass's last quote: the next pass.
  ReplayMerge exact(feeds, 0, true, 60);
  exact.seek(60 * min);
  ASSERT_TRUE(exact.next(e));
  EXPECT_EQ(e.time_ns, 60 * min);
  exact.seek(89 * min + 1);
  ASSERT_TRUE(exact.next(e));
  EXPECT_EQ(e.time_ns, 90 * min);

  // Not looping: quotes before t are skipped; past the end, the data has ended.
  ReplayMerge once(feeds, 0, false);
  once.seek(31 * min);
  ASSERT_TRUE(once.next(e));
  EXPECT_EQ(e.time_ns, 60 * min);
  once.seek(100 * min);
  EXPECT_EQ(once.peek_time(), INT64_MAX);
  EXPECT_FALSE(once.next(e));
}

// The pacer alone: warm-up targets chase the wall clock without passing it, the join is "now",
// then paced replay continues from there at `speed`; targets never go backwards.
TEST(Warmup, PacerChasesTheWallClockJoinsNowThenPacesAtSpeed) {
  const int64_t mono0 = 5 * kS;
  const int64_t start = kNow - 3600 * kS;
  ReplayPacer p(120, true, start, mono0);
  ASSERT_TRUE(p.warming());
  // Events one every 10 s of replay; the wall clock moves 1 ms per step.
  int64_t replay = start, wall = kNow, mono = mono0, next = start + 10 * kS, last = start;
  int steps = 0;
  while (p.warming() && steps < 100000) {
    const int64_t t = p.target(replay, next, wall, mono);
    EXPECT_LE(t, std::max(wall, replay)) << "a warm-up target passed the wall clock";
    EXPECT_GE(t, last);
    last = t;
    if (p.warming()) {
      EXPECT_EQ(t, std::min(std::max(replay + kS, next), wall));
    }
    replay = std::max(replay, t);
    while (next <= replay) next += 10 * kS;
    wall += 1'000'000;
    mono += 1'000'000;
    ++steps;
  }
  ASSERT_FALSE(p.warming());
  // The join: everything up to the wall clock of that step was replayed; replay time = now.
  const int64_t join_wall = wall - 1'000'000;
  EXPECT_EQ(p.join_replay_ns(), join_wall);
  EXPECT_EQ(replay, join_wall);
  EXPECT_GT(next, join_wall);
  EXPECT_EQ(steps, 360 + 1);  // 3600 s of events at 10 s, one per step, then the join
  // Paced: join + elapsed * 120.
  EXPECT_EQ(p.target(replay, next, wall, p.join_mono_ns()), join_wall);
  EXPECT_EQ(p.target(replay, next, wall, p.join_mono_ns() + kS / 2), join_wall + 60 * kS);
  EXPECT_EQ(p.target(replay, next, wall, p.join_mono_ns() + 2 * kS), join_wall + 240 * kS);
  // A monotonic clock that stood still never moves the replay back.
  EXPECT_EQ(p.target(replay, next, wall, p.join_mono_ns()), join_wall + 240 * kS);
}

TEST(Warmup, WithoutWarmupThePacerIsTheOldMapping) {
  ReplayPacer paced(60, false, 1000 * kS, 7 * kS);
  EXPECT_FALSE(paced.warming());
  EXPECT_EQ(paced.target(1000 * kS, 1003 * kS, kNow, 7 * kS), 1000 * kS);
  EXPECT_EQ(paced.target(1000 * kS, 1003 * kS, kNow, 9 * kS), 1120 * kS);
  ReplayPacer fastest(0, false, 1000 * kS, 7 * kS);
  EXPECT_EQ(fastest.target(1000 * kS, 1003 * kS, kNow, 7 * kS), 1003 * kS);   // gaps jumped
  EXPECT_EQ(fastest.target(1003 * kS, 1003 * kS + 5, kNow, 7 * kS), 1004 * kS);  // at least a second a step
  EXPECT_EQ(fastest.target(1004 * kS, INT64_MAX, kNow, 7 * kS), 1004 * kS);   // data ended
  // Warm-up at max speed: up to now, then as fast as possible.
  ReplayPacer warm_fast(0, true, kNow - 10 * kS, 0);
  EXPECT_EQ(warm_fast.target(kNow - 10 * kS, kNow + 5 * kS, kNow, 0), kNow);
  EXPECT_FALSE(warm_fast.warming());
  EXPECT_EQ(warm_fast.target(kNow, kNow + 5 * kS, kNow, 0), kNow + 5 * kS);
}

// The fleet's three sockets the simulated EAs connect to (they read nothing here), and a config
// pointing at them.
struct FleetSinks {
  const messaging::SocketOptions sink{1000, 200000, 0, 1 << 20, false, "", -1};
  messaging::Socket telemetry{messaging::SocketType::Pull, sink}, confirm{messaging::SocketType::Pull, sink},
      router{messaging::SocketType::Router, sink};
  bool bind() {
    return telemetry.bind("tcp://127.0.0.1:*") && confirm.bind("tcp://127.0.0.1:*") && router.bind("tcp://127.0.0.1:*");
  }
  SimConfig config() const {
    SimConfig c;
    c.telemetry_endpoint = telemetry.last_endpoint();
    c.command_endpoint = router.last_endpoint();
    c.confirm_endpoint = confirm.last_endpoint();
    return c;
  }
};

// The whole runner under run_sim with a fake clock, on the demo's real excerpts (2 h of data,
// looped): 3 h of warm-up end at the fake "now", then x120. Everything the EA sends is recorded.
TEST(Warmup, RunnerReplaysTheSpanBeforeNowThenContinuesSeamlessly) {
  FleetSinks sinks;
  ASSERT_TRUE(sinks.bind());
  SimConfig c = sinks.config();
  c.speed = 120;
  c.loop = true;
  c.loop_align_s = 60;
  c.shift_to_now = true;
  c.warmup_s = 3 * 3600;
  c.seed = 7;
  c.sndhwm = 200000;
  c.stats_interval_s = 1000;
  SimRunner runner(c, symbols(), demo_feeds());
  runner.record(true);
  FakeClock clock(kNow);
  ASSERT_TRUE(runner.open(clock.now_ns()));
  EXPECT_TRUE(runner.warming());
  EXPECT_EQ(runner.replay_start_ns(), kNow - c.warmup_s * kS);

  // Each loop turn moves the fake clock 5 ms; the join is seen on the turn after it happened.
  int64_t join_replay = 0, join_wall = 0;
  size_t sent_at_join = 0;
  int turns = 0;
  auto stop = [&] {
    if (join_wall == 0 && !runner.warming()) {
      join_replay = runner.replay_now_ns();
      join_wall = clock.now_ns();
      sent_at_join = runner.recorded().size();
    }
    clock.advance(5'000'000);
    return ++turns > 60000 || (join_wall != 0 && clock.now_ns() > join_wall + 10 * kS);
  };
  ASSERT_TRUE(run_sim(runner, c, clock, stop, nullptr));
  ASSERT_NE(join_wall, 0) << "the warm-up never ended";
  EXPECT_EQ(join_replay, join_wall) << "the warm-up must end at now";
  EXPECT_EQ(runner.stats().send_blocked, 0u);
  EXPECT_GE(runner.stats().passes, 1u) << "3 h of warm-up over 2 h of data loops";

  // Per symbol: TICK times strictly increase over the whole run (warm-up, join, paced).
  std::map<std::string, int64_t> last;
  std::map<std::string, int> warm_ticks, live_ticks;
  int64_t first_tick = INT64_MAX, handshake = 0;
  const auto& rec = runner.recorded();
  for (size_t i = 0; i < rec.size(); ++i) {
    auto j = nlohmann::json::parse(rec[i].second, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    const std::string type = j.value("type", "");
    if (type != "TICK" && type != "handshake") continue;
    const auto ts = parse_datetime(j.value("timestamp", ""));
    ASSERT_TRUE(ts) << rec[i].second;
    const int64_t t = *ts * kS;
    if (type == "handshake") {
      handshake = handshake ? handshake : t;
      continue;
    }
    const std::string sym = j["symbol"];
    first_tick = std::min(first_tick, t);
    if (last.count(sym)) {
      EXPECT_GT(t, last[sym]) << sym << " TICK repeated or went back at message " << i;
    }
    last[sym] = t;
    if (i < sent_at_join) {
      EXPECT_LE(t, join_wall) << "a warm-up TICK after now";
      ++warm_ticks[sym];
    } else {
      EXPECT_GT(t, join_wall - kS) << "a paced TICK before the join";
      ++live_ticks[sym];
    }
  }
  EXPECT_EQ(handshake, kNow - c.warmup_s * kS);
  EXPECT_LT(first_tick, kNow - c.warmup_s * kS + 60 * kS) << "the warm-up starts at its first second";
  for (const char* s : {"EURUSD", "XAUUSD", "NZDUSD"}) {
    EXPECT_GT(warm_ticks[s], 500) << s;  // 3 h: every synthetic M1 path gives 12 TICKs a minute
    EXPECT_GT(live_ticks[s], 10) << s;   // 10 s at x120 = 20 min of prices
  }
  // Paced after the join: at most 10 s x 120 of prices past now.
  for (const auto& [sym, t] : last) EXPECT_LE(t, join_wall + 1201 * kS) << sym;
}

// The daemon's health heartbeat rides on run_sim's stats callback: with its own period it fires at
// that period from the first turn, whatever the (slower) stats log period; without one it follows
// the log line. Fake clock: every loop turn is 5 ms.
TEST(RunSim, StatsCallbackKeepsItsOwnPeriod) {
  FleetSinks sinks;
  ASSERT_TRUE(sinks.bind());
  for (const int64_t interval_ms : {int64_t{100}, int64_t{0}}) {
    SimConfig c = sinks.config();
    c.speed = 120;
    c.loop = true;
    c.seed = 7;
    c.stats_interval_s = 1000;  // the log line never comes in this run
    SimRunner runner(c, symbols(), demo_feeds());
    FakeClock clock(kNow);
    ASSERT_TRUE(runner.open(clock.now_ns()));
    int turns = 0;
    auto stop = [&] {
      clock.advance(5'000'000);
      return ++turns > 200;  // 1 s of fake time
    };
    int calls = 0;
    ASSERT_TRUE(run_sim(runner, c, clock, stop, nullptr, [&](const RunnerStats&) { ++calls; }, interval_ms));
    if (interval_ms > 0) {
      EXPECT_GE(calls, 10 + 1) << "one per 100 ms of the 1 s run, and the last one at the end";
      EXPECT_LE(calls, 11 + 1);
    } else {
      EXPECT_EQ(calls, 1) << "with the stats period only: just the final call";
    }
  }
}

TEST(Warmup, ConfigIsStrict) {
  auto read = [](const std::string& extra) {
    auto r = runtime::ConfigReader::from_text(
        R"({"feeds":[{"symbol":"EURUSD","format":"lean_ticks","path":"x.csv"}],"shift_to_now":true,"loop":true)" + extra + "}");
    EXPECT_TRUE(r);
    auto c = SimConfig::read(*r);
    auto st = r->finish();
    return std::make_pair(c ? c->warmup_s : -99, st ? std::string() : st.error().message);
  };
  EXPECT_EQ(read(R"(,"warmup_s":19200)"), std::make_pair(int64_t{19200}, std::string()));
  EXPECT_EQ(read("").first, 0);  // absent = off
  EXPECT_NE(read(R"(,"warmup_s":-1)").second.find("warmup_s: must be >= 0"), std::string::npos);
  EXPECT_NE(read(R"(,"warmup_s":1.5)").second.find("warmup_s: expected an integer"), std::string::npos);
  EXPECT_NE(read(R"(,"warmup_s":"5h")").second.find("warmup_s: expected an integer"), std::string::npos);
  EXPECT_NE(read(R"(,"warmup_s":99999999)").second.find("at most"), std::string::npos);
  EXPECT_NE(read(R"(,"warmup":60)").second.find("warmup: unknown key"), std::string::npos);
  auto r = runtime::ConfigReader::from_text(
      R"({"feeds":[{"symbol":"EURUSD","format":"lean_ticks","path":"x.csv"}],"shift_to_now":false,"loop":true,"warmup_s":60})");
  (void)SimConfig::read(*r);
  auto st = r->finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("needs shift_to_now: true"), std::string::npos) << st.error().message;
  auto nl = runtime::ConfigReader::from_text(
      R"({"feeds":[{"symbol":"EURUSD","format":"lean_ticks","path":"x.csv"}],"shift_to_now":true,"loop":false,"warmup_s":60})");
  (void)SimConfig::read(*nl);
  auto st2 = nl->finish();
  ASSERT_FALSE(st2);
  EXPECT_NE(st2.error().message.find("needs loop: true"), std::string::npos) << st2.error().message;
}

TEST(Warmup, CommandLine) {
  auto run = [](SimConfig c, std::vector<std::string> args) {
    std::vector<char*> argv{const_cast<char*>("ea_sim")};
    for (auto& a : args) argv.push_back(a.data());
    auto st = apply_command_line(c, static_cast<int>(argv.size()), argv.data());
    return std::make_pair(c.warmup_s, st ? std::string() : st.error().message);
  };
  SimConfig demo;
  demo.shift_to_now = true;
  demo.loop = true;
  demo.warmup_s = 19200;
  EXPECT_EQ(run(demo, {"--warmup-s", "600"}).first, 600);
  EXPECT_EQ(run(demo, {"--warmup-s", "0"}).first, 0);
  EXPECT_EQ(run(demo, {"--no-loop"}), std::make_pair(int64_t{0}, std::string()));  // data once, from its start
  EXPECT_NE(run(demo, {"--no-loop", "--warmup-s", "60"}).second.find("needs loop"), std::string::npos);
  EXPECT_NE(run(demo, {"--warmup-s", "1.5"}).second.find("whole number"), std::string::npos);
  EXPECT_NE(run(demo, {"--warmup-s", "-5"}).second.find(">= 0"), std::string::npos);
}

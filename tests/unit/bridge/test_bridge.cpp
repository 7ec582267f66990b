// The bridge's logic on EA messages shaped exactly as v2.05 writes them (tests/data/ea goldens),
// and on every class of bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "bitten/core/time.hpp"
#include "bitten/schema/bar.hpp"
#include "bitten/schema/ea_status.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/tick.hpp"
#include "bridge.hpp"

using namespace bitten;
using bridge::Outbound;

namespace {
std::string root() {
  const char* r = std::getenv("BITTEN_SOURCE_ROOT");
  return r ? r : ".";
}
std::string golden(const std::string& name) {
  std::ifstream in(root() + "/tests/data/ea/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(root() + "/config/symbols.json");
  return t;
}
constexpr int64_t kNs = 1'000'000'000;
// The goldens carry broker time 2025.09.15 19:41:16 from a UTC+3 broker.
const int64_t kBrokerEpoch = *parse_datetime("2025.09.15 19:41:16");
const int64_t kRecvNs = (kBrokerEpoch - 3 * 3600) * kNs + 250'000'000;

std::string tick(const std::string& symbol, double bid, double ask, const std::string& ts = "2025.09.15 19:41:16",
                 const std::string& uuid = "USER_UUID_123") {
  std::ostringstream o;
  o.precision(10);
  o << R"({"type":"TICK","node_id":"NODE_1234567_998877","user_uuid":")" << uuid << R"(","symbol":")" << symbol
    << R"(","bid":)" << bid << R"(,"ask":)" << ask << R"(,"spread":1.0,"volume":0,"timestamp":")" << ts << R"("})";
  return o.str();
}

struct Fixture : ::testing::Test {
  FakeClock clock{kRecvNs};
  runtime::Health health{"telemetry_bridge", clock};
  bridge::BridgeConfig cfg;
  std::unique_ptr<bridge::TelemetryBridge> b;
  std::vector<Outbound> out;
  void SetUp() override { b = std::make_unique<bridge::TelemetryBridge>(cfg, symbols(), health); }
  void reset(bridge::BridgeConfig c) {
    cfg = c;
    b = std::make_unique<bridge::TelemetryBridge>(cfg, symbols(), health);
  }
  void send(const std::string& payload, int64_t recv = kRecvNs) { b->on_message({payload}, recv, out); }
  schema::Envelope last() {
    auto e = schema::decode_envelope(out.back().payload);
    EXPECT_TRUE(e) << out.back().payload;
    return *e;
  }
};
}  // namespace

TEST_F(Fixture, GoldenTickIsNormalisedToUtcAndTopicFramed) {
  send(golden("tick.json"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "tick.EURUSD");
  auto env = last();
  EXPECT_EQ(env.type, "tick");
  EXPECT_EQ(env.src, "telemetry_bridge");
  EXPECT_EQ(env.seq, 1u);
  auto t = schema::tick_from_json(env.data);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->symbol, "EURUSD");
  EXPECT_DOUBLE_EQ(t->bid, 1.17602);
  EXPECT_DOUBLE_EQ(t->ask, 1.17603);
  EXPECT_DOUBLE_EQ(t->spread_points, 1.0);
  EXPECT_EQ(t->time_ns, (kBrokerEpoch - 10800) * kNs);  // offset detected: +3h
  EXPECT_EQ(t->broker_time, "2025.09.15 19:41:16");
  EXPECT_EQ(t->uuid, "USER_UUID_123");
  EXPECT_EQ(b->sessions().at("USER_UUID_123").offset_s, 10800);
  EXPECT_EQ(health.get("ticks_out"), 1u);
}

TEST_F(Fixture, ConfiguredOffsetsWinOverDetection) {
  auto c = cfg;
  c.broker_offset_s = 7200;
  c.per_ea_offset_s["OTHER_UUID_456"] = 0;
  c.clock_check = false;
  reset(c);
  send(tick("EURUSD", 1.1, 1.1001));
  send(tick("GBPUSD", 1.3, 1.3001, "2025.09.15 19:41:16", "OTHER_UUID_456"));
  ASSERT_EQ(out.size(), 2u);
  auto a = *schema::tick_from_json(schema::decode_envelope(out[0].payload)->data);
  EXPECT_EQ(a.time_ns, (kBrokerEpoch - 7200) * kNs);
  auto g = *schema::tick_from_json(schema::decode_envelope(out[1].payload)->data);
  EXPECT_EQ(g.time_ns, kBrokerEpoch * kNs);
}

TEST_F(Fixture, DuplicateTicksFromManyEasAreCoalesced) {
  for (int ea = 0; ea < 50; ++ea) send(tick("EURUSD", 1.17602, 1.17603, "2025.09.15 19:41:16", "EA_UUID_" + std::to_string(1000 + ea)));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(health.get("ticks_coalesced"), 49u);
  // A different quote in the same second is new information; an older second is out of order.
  send(tick("EURUSD", 1.17604, 1.17605));
  send(tick("EURUSD", 1.17600, 1.17601, "2025.09.15 19:41:15"));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(health.get("drop_out_of_order"), 1u);
  // Sequence numbers have no gaps in what was published.
  EXPECT_EQ(schema::decode_envelope(out[1].payload)->seq, 2u);
}

TEST_F(Fixture, EveryBadInputIsCountedAndValidTrafficKeepsFlowing) {
  struct Case {
    std::vector<std::string> frames;
    std::string reason;
  };
  std::vector<Case> cases = {
      {{"not json at all"}, "drop_not_json"},
      {{R"({"type":"TICK","node_id":"N","user_uuid":"U123456789","symbol":"EURUSD","bid":1.1)"}, "drop_not_json"},
      {{R"({"type":"TICK","node_id":"N","user_uuid":"U123456789","symbol":"EURUSD","bid":"1.1","ask":1.2,"spread":1.0,"volume":0,"timestamp":"2025.09.15 19:41:16"})"},
       "drop_wrong_type"},
      {{R"({"type":"TICK","node_id":"N","user_uuid":"U123456789","symbol":"EURUSD","ask":1.2,"spread":1.0,"volume":0,"timestamp":"2025.09.15 19:41:16"})"},
       "drop_missing_field"},
      {{R"({"type":"TICK","node_id":"N","user_uuid":"U123456789","symbol":"EURUSD","bid":NaN,"ask":1.2,"spread":1.0,"volume":0,"timestamp":"2025.09.15 19:41:16"})"},
       ""},
      {{tick("EURUSD", -1.1, 1.1)}, "drop_bad_price"},
      {{tick("EURUSD", 0, 1.1)}, "drop_bad_price"},
      {{tick("EURUSD", 1.2, 1.1)}, "drop_bid_gt_ask"},
      {{tick("NOTASYMBOL", 1.1, 1.2)}, "drop_unknown_symbol"},
      {{tick("EURUSD", 1.1, 1.1001, "2025.09.15 19:41:16", "BAD UUID WITH SPACES")}, "drop_bad_uuid"},
      {{tick("EURUSD", 1.1, 1.1001, "2025.09.15 19:41:16", "UUID\xff\xfe" "0001")}, "drop_bad_uuid"},
      {{tick("EURUSD", 1.1, 1.2)}, "drop_spread_too_wide"},
      {{tick("EURUSD", 1.1, 1.1001, "2025.09.15 19:51:16")}, "drop_ts_future"},
      {{tick("EURUSD", 1.1, 1.1001, "2025.09.15 19:31:16")}, "drop_ts_stale"},
      {{tick("EURUSD", 1.1, 1.1001, "2014.05.01 00:00:00", "FRESH_EA_000001")}, "drop_ts_out_of_range"},
      {{tick("EURUSD", 1.1, 1.1001, "2025.13.45 99:00:00")}, "drop_bad_timestamp"},
      {{tick("EURUSD", 1.1, 1.1001, "9999.12.31 23:59:59")}, "drop_ts_out_of_range"},  // found by fuzzing
      {{std::string(5 << 20, '{')}, "drop_too_large"},
      {{"tick.EURUSD", golden("tick.json")}, "drop_bad_frames"},
      {{}, "drop_bad_frames"},
      {{golden("hello.json")}, "drop_wrong_socket"},
      {{golden("confirmation_success.json")}, "drop_wrong_socket"},
      {{R"({"type":"SOMETHING_ELSE"})"}, "drop_unknown_type"},
      {{""}, "drop_empty"},
      {{std::string("\x00\xff\xfe garbage", 12)}, "drop_not_json"},
  };
  for (const auto& c : cases) {
    const uint64_t dropped_before = health.get("dropped");
    const uint64_t reason_before = c.reason.empty() ? 0 : health.get(c.reason);
    const size_t out_before = out.size();
    b->on_message(c.frames, kRecvNs, out);
    EXPECT_EQ(out.size(), out_before) << "published bad input: " << (c.frames.empty() ? "<no frames>" : c.frames[0].substr(0, 80));
    EXPECT_EQ(health.get("dropped"), dropped_before + 1) << (c.frames.empty() ? "<no frames>" : c.frames[0].substr(0, 80));
    if (!c.reason.empty()) {
      EXPECT_EQ(health.get(c.reason), reason_before + 1) << c.reason;
    }
  }
  // The bridge is still healthy: a valid tick right after all that goes through.
  send(golden("tick.json"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "tick.EURUSD");
}

TEST_F(Fixture, UnescapedBrokerNameStillYieldsAHandshake) {
  send(golden("handshake.json"));
  send(golden("broker_with_quote.txt"));
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "ea.handshake");
  auto s = schema::ea_status_from_json(schema::decode_envelope(out[0].payload)->data);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uuid, "USER_UUID_123");
  EXPECT_EQ(s->broker_offset_s, 10800);
  EXPECT_DOUBLE_EQ(s->balance, 1000.0);
}

TEST_F(Fixture, EaOhlcBecomesAnM1BarOnceAcrossEas) {
  send(golden("ohlc.json"));
  send(golden("ohlc.json"));  // the same bar again (another EA on the same broker)
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "bar.M1.EURUSD");
  auto bar = schema::bar_from_json(schema::decode_envelope(out[0].payload)->data);
  ASSERT_TRUE(bar);
  EXPECT_EQ(bar->source, "ea");
  EXPECT_EQ(bar->open_time_ns % (60 * kNs), 0);
  EXPECT_EQ(health.get("bars_coalesced"), 1u);
}

TEST_F(Fixture, EachPublishedTypeHasItsOwnGapFreeSequence) {
  // A detector subscribes to ticks and bars only: the EA-status messages between them must not
  // look like lost ticks, so every type the bridge publishes counts on its own.
  send(golden("handshake.json"));
  send(tick("EURUSD", 1.17602, 1.17603, "2025.09.15 19:41:16"));
  send(golden("heartbeat_telemetry.json"));
  send(golden("ohlc.json"));
  send(tick("EURUSD", 1.17604, 1.17605, "2025.09.15 19:41:17"));
  send(tick("GBPUSD", 1.35001, 1.35012, "2025.09.15 19:41:17"));
  std::map<std::string, std::vector<uint64_t>> seqs;
  for (const auto& o : out) {
    auto e = schema::decode_envelope(o.payload);
    ASSERT_TRUE(e) << o.payload;
    seqs[e->type].push_back(e->seq);
  }
  EXPECT_EQ(seqs["tick"], (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(seqs["bar"], (std::vector<uint64_t>{1}));
  EXPECT_EQ(seqs["ea_status"], (std::vector<uint64_t>{1, 2}));
}

TEST_F(Fixture, SilentEasAreReportedOfflineOnce) {
  send(golden("tick.json"));
  out.clear();
  b->on_timer(kRecvNs + 60 * kNs, out);
  EXPECT_TRUE(out.empty());
  b->on_timer(kRecvNs + 121 * kNs, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "ea.offline");
  b->on_timer(kRecvNs + 200 * kNs, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(b->eas_online(), 0u);
}

TEST_F(Fixture, DisconnectMarksTheEaOffline) {
  send(golden("handshake.json"));
  // The EA sent DISCONNECT 20 min 47 s after its handshake (broker time); it arrives then.
  send(golden("disconnect.json"), kRecvNs + (20 * 60 + 47) * kNs);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].topic, "ea.disconnect");
  EXPECT_EQ(b->eas_online(), 0u);
}

TEST_F(Fixture, ReplaySourcesUseTheirOffsetAndSkipTheClockCheck) {
  auto c = cfg;
  c.replay_prefix = "SIM_";
  c.replay_offset_s = 7200;
  reset(c);
  send(tick("EURUSD", 1.38676, 1.38686, "2014.05.08 14:00:00", "SIM_EA_0001"));
  ASSERT_EQ(out.size(), 1u);
  auto t = *schema::tick_from_json(schema::decode_envelope(out[0].payload)->data);
  EXPECT_EQ(t.time_ns, (*parse_datetime("2014.05.08 12:00:00")) * kNs);
  // A live EA with the same historical timestamp is still refused.
  send(tick("EURUSD", 1.38676, 1.38686, "2014.05.08 14:00:01", "LIVE_EA_0001"));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(health.get("drop_ts_out_of_range"), 1u);
}

// Found by fuzzing: a broker name with invalid UTF-8 must not break the encoder.
TEST_F(Fixture, InvalidUtf8InEaStringsIsReplacedNotFatal) {
  std::string hs = golden("handshake.json");
  hs.replace(hs.find("Broker Ltd"), 10, "Broker \xff\xfetd");
  send(hs);
  ASSERT_EQ(out.size(), 1u);
  auto s = schema::ea_status_from_json(schema::decode_envelope(out[0].payload)->data);
  ASSERT_TRUE(s);
  EXPECT_NE(s->broker.find("Broker "), std::string::npos);
}

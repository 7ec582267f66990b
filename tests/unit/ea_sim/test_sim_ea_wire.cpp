// Everything a simulated EA sends, decoded with the server's own codec (bitten::ea::Decoder) and
// compared with the golden EA messages in tests/data/ea/: field names, order and number formats
// (byte for byte where the scenario reproduces the golden message exactly).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "bitten/core/time.hpp"
#include "bitten/ea/commands.hpp"
#include "bitten/ea/decoder.hpp"
#include "sim_ea.hpp"
#include "test_paths.hpp"

using namespace bitten;
using namespace bitten::ea_sim;

namespace {
const SymbolTable& symbols() {
  static SymbolTable t = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  return t;
}
std::string golden(const std::string& name) {
  std::ifstream f(test::source_root() + "/tests/data/ea/" + name);
  std::stringstream s;
  s << f.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}
int64_t at(const char* broker_time) { return *parse_datetime(broker_time) * 1'000'000'000LL; }

// GCC 12 at -O3 reports a false -Wrestrict inside std::string here (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
// "key=kind" for every top-level field in order; kind: s (string), i (integer), nK (K decimals).
std::vector<std::string> shape(const std::string& json) {
  std::vector<std::string> out;
  size_t i = 1;
  while (i < json.size()) {
    const size_t k0 = json.find('"', i);
    if (k0 == std::string::npos) break;
    const size_t k1 = json.find('"', k0 + 1);
    const std::string key = json.substr(k0 + 1, k1 - k0 - 1);
    size_t v = k1 + 2;  // past ":
    std::string kind;
    if (json[v] == '"') {
      kind = "s";
      i = json.find("\",\"", v + 1);
      if (i == std::string::npos) i = json.size();
      else i += 2;
    } else {
      size_t e = json.find_first_of(",}", v);
      if (e == std::string::npos) e = json.size();
      const std::string token = json.substr(v, e - v);
      const size_t dot = token.find('.');
      if (dot == std::string::npos) {
        kind = "i";
      } else {
        char buf[24];
        std::snprintf(buf, sizeof buf, "n%zu", token.size() - dot - 1);
        kind = buf;
      }
      i = e + 1;
    }
    std::string item = key;
    item += '=';
    item += kind;
    out.push_back(std::move(item));
  }
  return out;
}
#pragma GCC diagnostic pop

struct Fixture {
  SimEaConfig cfg;
  Fixture() {
    cfg.uuid = "USER_UUID_123";
    cfg.node_id = "NODE_1234567_998877";
    cfg.login = 1234567;
    cfg.company = "Broker Ltd";
    cfg.server = "Broker-Demo";
    cfg.symbols = {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"};
    cfg.broker.balance = 1000;
    cfg.broker.leverage = 500;
    cfg.broker.first_ticket = 21604324;
  }
};

std::map<std::string, std::vector<std::string>> by_type(const std::vector<Outbound>& out) {
  std::map<std::string, std::vector<std::string>> m;
  ea::Decoder d;
  for (const auto& o : out) {
    auto msg = d.decode(o.payload);
    EXPECT_TRUE(msg) << o.payload << ": " << (msg ? "" : msg.error().code);
    if (!msg) continue;
    EXPECT_EQ(d.last_path(), ea::ParsePath::Strict) << o.payload;  // plain names: valid JSON
    m[std::string(ea::wire_type(*msg))].push_back(o.payload);
  }
  return m;
}
}  // namespace

TEST(SimEaWire, EveryMessageDecodesAndMatchesTheGoldenShapes) {
  Fixture f;
  SimEa ea(symbols(), f.cfg);
  std::vector<Outbound> out;
  ea.start(at("2025.09.15 19:40:16"), out);
  auto quote = [&](const char* t, double bid, double ask) {
    ea.on_time(at(t), out);
    ea.on_quote(0, bid, ask, at(t), out);
  };
  quote("2025.09.15 19:40:20", 1.17590, 1.17591);
  quote("2025.09.15 19:40:30", 1.17610, 1.17611);
  quote("2025.09.15 19:40:40", 1.17585, 1.17586);
  quote("2025.09.15 19:40:50", 1.17602, 1.17603);
  quote("2025.09.15 19:41:05", 1.17600, 1.17601);
  quote("2025.09.15 19:41:16", 1.17602, 1.17603);
  ea.on_time(at("2025.09.15 19:41:17"), out);
  ea.on_command(*ea::encode_ping("USER_UUID_123", "ping_1757965280"), at("2025.09.15 19:41:20"), out);
  ea::FireCommand fire{"USER_UUID_123", "ELITE_RAPID_EURUSD_1757950692", "EURUSD", ea::Direction::Buy, 0, 1.17455, 1.17830, 0.20};
  ea.on_command(*ea::encode_fire(fire, 5), at("2025.09.15 19:41:20"), out);
  ea.on_command(R"({"type":"modify_sl","target_uuid":"USER_UUID_123"})", at("2025.09.15 19:41:25"), out);
  fire.fire_id = "ELITE_RAPID_EURUSD_2";
  fire.lot = 50;  // far beyond the free margin
  ea.on_command(*ea::encode_fire(fire, 5), at("2025.09.15 19:41:25"), out);
  quote("2025.09.15 19:55:00", 1.17650, 1.17651);  // the market must be open to close
  ea.on_command(*ea::encode_close_ticket("USER_UUID_123", 21604324), at("2025.09.15 19:55:02"), out);
  ea.on_command(*ea::encode_close_all("USER_UUID_123"), at("2025.09.15 19:55:03"), out);
  ea.stop(at("2025.09.15 20:02:03"), out);

  auto m = by_type(out);
  // Byte-for-byte where the scenario is the golden one.
  ASSERT_EQ(m["TICK"].size(), 6u);  // one per second that had a quote, sent by the next 1 s timer
  EXPECT_EQ(m["TICK"].back(), golden("tick.json"));
  ASSERT_FALSE(m["OHLC"].empty());
  EXPECT_EQ(m["OHLC"].front(), golden("ohlc.json"));
  ASSERT_EQ(m["pong"].size(), 1u);
  EXPECT_EQ(m["pong"][0], golden("pong.json"));

  // Names, order and formats of every other message.
  const std::map<std::string, std::string> goldens = {
      {"handshake", "handshake.json"},          {"HELLO", "hello.json"},
      {"heartbeat", "heartbeat_telemetry.json"}, {"HEARTBEAT", "heartbeat_dealer.json"},
      {"DISCONNECT", "disconnect.json"},        {"close_confirmation", "close_confirmation.json"}};
  for (const auto& [type, file] : goldens) {
    ASSERT_FALSE(m[type].empty()) << type;
    EXPECT_EQ(shape(m[type][0]), shape(golden(file))) << type << ": " << m[type][0];
  }
  ASSERT_EQ(m["confirmation"].size(), 3u);
  EXPECT_EQ(shape(m["confirmation"][0]), shape(golden("confirmation_success.json")));
  EXPECT_EQ(shape(m["confirmation"][1]), shape(golden("confirmation_unknown.json")));
  EXPECT_EQ(shape(m["confirmation"][2]), shape(golden("confirmation_failed.json")));
  EXPECT_EQ(shape(m["close_confirmation"][1]), shape(golden("close_confirmation_all.json")));

  ea::Decoder d;
  auto ok = d.decode_confirmation(m["confirmation"][0]);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, "success");
  EXPECT_EQ(ok->ticket, 21604324);
  EXPECT_DOUBLE_EQ(ok->price, 1.17603);  // the ask at 19:41:16
  EXPECT_DOUBLE_EQ(ok->lot, 0.20);
  EXPECT_EQ(ok->message, "Trade executed successfully via DEALER");
  auto unknown = d.decode_confirmation(m["confirmation"][1]);
  EXPECT_EQ(unknown->command_type, "unknown");
  EXPECT_EQ(unknown->message, "Unknown command type: modify_sl");
  auto no_money = d.decode_confirmation(m["confirmation"][2]);
  EXPECT_EQ(no_money->status, "failed");
  EXPECT_EQ(no_money->ticket, 0);
  EXPECT_EQ(no_money->message, "Trade execution failed - Error: 4756 Result: 10019");
  EXPECT_DOUBLE_EQ(no_money->lot, 50);  // the requested lot is echoed

  auto hello = std::get<ea::Hello>(*d.decode(m["HELLO"][0]));
  EXPECT_EQ(hello.version, "2.05");
  EXPECT_EQ(hello.symbols, 4);
  EXPECT_EQ(hello.timestamp, "2025.09.15 19:40:16");
  auto hs = std::get<ea::Handshake>(*d.decode(m["handshake"][0]));
  EXPECT_EQ(hs.symbol_list, "EURUSD,GBPUSD,USDJPY,XAUUSD");
  EXPECT_EQ(hs.chart_symbol, "EURUSD");
  auto disc = std::get<ea::Disconnect>(*d.decode(m["DISCONNECT"][0]));
  EXPECT_EQ(disc.ticks_processed, 7);
  auto cc = std::get<ea::CloseConfirmation>(*d.decode(m["close_confirmation"][0]));
  EXPECT_EQ(cc.status, "success");
  EXPECT_EQ(cc.ticket, 21604324);
  EXPECT_DOUBLE_EQ(cc.close_price, 0);  // always 0 in v2.05
  EXPECT_DOUBLE_EQ(cc.lot, 0.20);
}

TEST(SimEaWire, BrokerOffsetShiftsEveryTimestampAndOhlcTime) {
  Fixture f;
  f.cfg.broker_offset_s = 3 * 3600;
  SimEa ea(symbols(), f.cfg);
  std::vector<Outbound> out;
  const int64_t utc = at("2025.09.15 16:40:16");
  ea.start(utc, out);
  ea.on_quote(0, 1.1, 1.1001, utc + 30'000'000'000LL, out);
  ea.on_quote(0, 1.1, 1.1001, utc + 70'000'000'000LL, out);
  ea.on_time(utc + 71'000'000'000LL, out);
  ea::Decoder d;
  bool saw_ohlc = false;
  for (const auto& o : out) {
    auto m = d.decode(o.payload);
    ASSERT_TRUE(m);
    std::visit([&](const auto& x) { EXPECT_EQ(x.timestamp.substr(11, 2), "19") << o.payload; }, *m);
    if (auto* ohlc = std::get_if<ea::Ohlc>(&*m)) {
      saw_ohlc = true;
      EXPECT_EQ(ohlc->time, *parse_datetime("2025.09.15 19:40:00"));
    }
  }
  EXPECT_TRUE(saw_ohlc);
}

TEST(SimEaWire, SanitisesStopsLikeTheEaAndIgnoresOtherUuids) {
  Fixture f;
  SimEa ea(symbols(), f.cfg);
  std::vector<Outbound> out;
  const int64_t t = at("2025.09.15 19:40:16");
  ea.start(t, out);
  ea.on_quote(0, 1.17600, 1.17610, t, out);
  out.clear();
  // BUY with SL above the price and TP below it: both silently dropped, the trade still opens.
  ea::FireCommand fire{"USER_UUID_123", "F_SANITISE", "EURUSD", ea::Direction::Buy, 0, 1.17700, 1.17500, 0.10};
  ea.on_command(*ea::encode_fire(fire, 5), t, out);
  ASSERT_EQ(ea.broker().positions().size(), 1u);
  EXPECT_EQ(ea.broker().positions()[0].sl, 0);
  EXPECT_EQ(ea.broker().positions()[0].tp, 0);
  EXPECT_EQ(ea.counters().sl_sanitised, 1u);
  EXPECT_EQ(ea.counters().tp_sanitised, 1u);
  ASSERT_EQ(out.size(), 1u);
  out.clear();
  fire.target_uuid = "SOMEONE_ELSE_1";
  ea.on_command(*ea::encode_fire(fire, 5), t, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ea.counters().ignored, 1u);
  EXPECT_EQ(ea.counters().fires_received.at("F_SANITISE"), 1u);
}

TEST(SimEaWire, PollsOnlyOnChartTicksUnlessInstant) {
  Fixture f;
  SimEa quirky(symbols(), f.cfg);
  f.cfg.poll_on_chart_tick = false;
  SimEa instant(symbols(), f.cfg);
  std::vector<Outbound> out;
  EXPECT_TRUE(quirky.on_quote(0, 1.1, 1.1001, 1, out));   // chart symbol
  EXPECT_FALSE(quirky.on_quote(1, 1.3, 1.3001, 2, out));  // another MarketWatch symbol
  EXPECT_FALSE(instant.on_quote(0, 1.1, 1.1001, 1, out));
  EXPECT_EQ(quirky.ticks_processed(), 1);
}

TEST(SimEaWire, RawStringsReproduceTheUnescapedQuoteQuirk) {
  Fixture f;
  f.cfg.company = "Quote \"Prime\" Markets, Ltd";
  SimEa ea(symbols(), f.cfg);
  std::vector<Outbound> out;
  ea.start(at("2025.09.15 19:40:16"), out);
  ea::Decoder d;
  auto hello = d.decode(out[1].payload);
  ASSERT_TRUE(hello);
  EXPECT_EQ(d.last_path(), ea::ParsePath::Tolerant);  // invalid JSON, as the real EA sends it
  EXPECT_EQ(std::get<ea::Hello>(*hello).company, "Quote \"Prime\" Markets, Ltd");
}

TEST(SimEaWire, FaultsDropDelayAndCorruptReplies) {
  Fixture f;
  f.cfg.faults.confirm_delay_ms = 2000;
  f.cfg.faults.stop_heartbeats_after_s = 0;
  SimEa ea(symbols(), f.cfg);
  std::vector<Outbound> out;
  const int64_t t = at("2025.09.15 19:40:16");
  ea.start(t, out);
  out.clear();
  ea.on_command(*ea::encode_ping("USER_UUID_123", "p1"), t, out);
  EXPECT_TRUE(out.empty());
  ea.on_time(t + 1'000'000'000, out);
  EXPECT_TRUE(out.empty());
  ea.on_time(t + 2'000'000'000, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].channel, Channel::Confirm);
  out.clear();
  ea.on_time(t + 31'000'000'000, out);  // heartbeats stopped
  EXPECT_TRUE(out.empty());

  Fixture g;
  g.cfg.faults.confirm_drop_rate = 1.0;
  g.cfg.faults.malformed_rate = 1.0;
  SimEa bad(symbols(), g.cfg);
  out.clear();
  bad.start(t, out);
  bad.on_command(*ea::encode_ping("USER_UUID_123", "p1"), t, out);
  EXPECT_EQ(bad.counters().replies_dropped, 1u);
  EXPECT_EQ(bad.counters().malformed_sent, 1u);  // the handshake
}

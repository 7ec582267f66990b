// Bad input never crashes and always yields a known, specific error code.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "bitten/ea/decoder.hpp"
#include "bitten/ea/errors.hpp"
#include "bitten/ea/fuzz_entry.hpp"
#include "golden.hpp"

namespace bitten::ea {
namespace {

using test::golden;

std::string error_of(std::string_view payload) {
  auto r = decode_message(payload);
  if (r.ok()) return "ok";
  EXPECT_TRUE(is_known_error_code(r.error().code)) << r.error().code;
  EXPECT_FALSE(r.error().message.empty());
  return r.error().code;
}

const std::string kTick = R"({"type":"TICK","node_id":"N","user_uuid":"U","symbol":"EURUSD","bid":1.17602,"ask":1.17603,"spread":1.0,"volume":0,"timestamp":"2025.09.15 19:41:16"})";

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

TEST(EaBadInput, EmptyAndNonJson) {
  EXPECT_EQ(error_of(""), "empty");
  EXPECT_EQ(error_of("hello"), "not_json");
  EXPECT_EQ(error_of("OHLC EURUSD 1.1 1.2"), "not_json");  // legacy text-prefix format
  EXPECT_EQ(error_of("HEARTBEAT"), "not_json");
  EXPECT_EQ(error_of("[1,2,3]"), "not_json");
  EXPECT_EQ(error_of("\"TICK\""), "not_json");
  EXPECT_EQ(error_of("{"), "not_json");
  EXPECT_EQ(error_of("   "), "not_json");
  EXPECT_EQ(error_of(kTick + "{}"), "not_json");  // trailing content
  EXPECT_EQ(error_of(kTick + "garbage"), "not_json");
}

TEST(EaBadInput, TruncatedAtEveryLength) {
  for (size_t n = 1; n < kTick.size(); ++n) {
    const std::string code = error_of(kTick.substr(0, n));
    EXPECT_NE(code, "ok") << n;
  }
  EXPECT_EQ(error_of(kTick.substr(0, kTick.size() - 1)), "not_json");
}

TEST(EaBadInput, TypeProblems) {
  EXPECT_EQ(error_of(R"({"symbol":"EURUSD"})"), "missing_field:type");
  EXPECT_EQ(error_of(R"({"type":5})"), "wrong_type:type");
  EXPECT_EQ(error_of(R"({"type":"tick"})"), "unknown_type");  // the EA's types are case-sensitive
  EXPECT_EQ(error_of(R"({"type":"position_closed"})"), "unknown_type");
  EXPECT_EQ(error_of("{}"), "missing_field:type");
}

TEST(EaBadInput, MissingAndWrongFields) {
  EXPECT_EQ(error_of(replace(kTick, R"("bid":1.17602,)", "")), "missing_field:bid");
  EXPECT_EQ(error_of(replace(kTick, R"("symbol":"EURUSD",)", "")), "missing_field:symbol");
  EXPECT_EQ(error_of(replace(kTick, R"(,"timestamp":"2025.09.15 19:41:16")", "")), "missing_field:timestamp");
  EXPECT_EQ(error_of(replace(kTick, "1.17602", "\"1.17602\"")), "wrong_type:bid");
  EXPECT_EQ(error_of(replace(kTick, "1.17602", "true")), "wrong_type:bid");
  EXPECT_EQ(error_of(replace(kTick, "1.17602", "{}")), "wrong_type:bid");
  EXPECT_EQ(error_of(replace(kTick, "1.17602", "null")), "missing_field:bid");
  EXPECT_EQ(error_of(replace(kTick, R"("volume":0)", R"("volume":0.5)")), "wrong_type:volume");
  EXPECT_EQ(error_of(replace(kTick, R"("symbol":"EURUSD")", R"("symbol":[1])")), "wrong_type:symbol");
  EXPECT_EQ(error_of(replace(kTick, "2025.09.15 19:41:16", "yesterday")), "bad_timestamp:timestamp");
  EXPECT_EQ(error_of(R"({"type":"pong","node_id":"N"})"), "missing_field:ping_id");
  EXPECT_EQ(error_of(R"({"type":"confirmation","fire_id":"F"})"), "missing_field:status");
  EXPECT_EQ(error_of(R"({"type":"HEARTBEAT","positions":[{"symbol":"EURUSD"}]})"), "missing_field:positions.ticket");
  EXPECT_EQ(error_of(R"({"type":"HEARTBEAT","positions":5})"), "wrong_type:positions");
  EXPECT_EQ(error_of(R"({"type":"HEARTBEAT","positions":[1]})"), "wrong_type:positions");
}

TEST(EaBadInput, NanAndInfinityTokens) {
  for (const char* bad : {"NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "1e999", "-1e999", "1.2.3", "--1"}) {
    EXPECT_EQ(error_of(replace(kTick, "1.17602", bad)), "bad_number:bid") << bad;
  }
}

TEST(EaBadInput, TolerantNumbersAndLayout) {
  // 1e-5, integers where doubles are expected, integral doubles where integers are expected,
  // whitespace, unknown fields, negative prices (not the codec's business).
  const std::string odd = R"( { "type" : "TICK" , "symbol":"EURUSD", "bid": 1e-5, "ask" :2, "spread":-3,
      "volume": 0.0, "extra":{"nested":[1,{"x":null}]}, "flag":true, "timestamp":"2025.09.15 19:41:16" } )";
  auto r = decode_tick(odd);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_DOUBLE_EQ(r->bid, 1e-5);
  EXPECT_DOUBLE_EQ(r->ask, 2);
  EXPECT_DOUBLE_EQ(r->spread, -3);
  EXPECT_EQ(r->volume, 0);
  EXPECT_EQ(r->node_id, "");
  auto neg = decode_tick(replace(kTick, "1.17602", "-1.5"));
  ASSERT_TRUE(neg.ok());
  EXPECT_DOUBLE_EQ(neg->bid, -1.5);
  // A bare number where a string is expected (account_login as a number) is kept as text.
  auto hello = decode_message(R"({"type":"HELLO","account_login":1234567,"leverage":500.0})");
  ASSERT_TRUE(hello.ok());
  EXPECT_EQ(std::get<Hello>(*hello).account_login, "1234567");
  EXPECT_EQ(std::get<Hello>(*hello).leverage, 500);
}

TEST(EaBadInput, BinaryGarbageAndHugeMessages) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    EXPECT_NE(error_of(junk), "ok");
  }
  const std::string big(10 * 1024 * 1024, 'x');
  EXPECT_EQ(error_of(big), "too_large");
  std::string big_json = R"({"type":"TICK","pad":")" + std::string(3 * 1024 * 1024, 'a') + "\"}";
  EXPECT_EQ(error_of(big_json), "too_large");
  // With the limit raised, a multi-megabyte message is parsed (and the deep/odd content refused).
  Decoder roomy(DecoderOptions{.max_bytes = 16 * 1024 * 1024});
  auto parsed = roomy.decode(replace(big_json, "\"TICK\"", "\"pong\""));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "missing_field:ping_id");
  std::string deep(60000, '[');
  EXPECT_EQ(error_of("{\"a\":" + deep), "not_json");
  std::string nested = "{\"type\":\"TICK\",\"a\":";
  for (int i = 0; i < 50; ++i) nested += "{\"b\":";
  EXPECT_EQ(error_of(nested + "1" + std::string(50, '}') + "}"), "not_json");  // deeper than kMaxDepth
}

TEST(EaBadInput, StrictOnlyDecoderRefusesTheQuirk) {
  Decoder strict(DecoderOptions{.tolerant = false});
  auto r = strict.decode(golden("broker_with_quote.txt"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_json");
}

// Seeded mutations of every golden file: no crash, only known error codes.
TEST(EaBadInput, RandomMutationsOfGoldenFiles) {
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(test::golden_dir()))
    seeds.push_back(golden(entry.path().filename().string()));
  ASSERT_GE(seeds.size(), 20u);
  const std::string interesting = "\"\\{}[],:0123456789.eE-+ntfaNI \t\n\x00\xff";
  std::mt19937_64 rng(20250915);
  Decoder decoder;
  size_t decoded_ok = 0;
  size_t total = 0;
  for (const std::string& seed : seeds) {
    for (int i = 0; i < 1500; ++i) {
      std::string m = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !m.empty(); ++e) {
        const size_t pos = rng() % m.size();
        switch (rng() % 5) {
          case 0: m[pos] = interesting[rng() % interesting.size()]; break;
          case 1: m.erase(pos, 1 + rng() % 8); break;
          case 2: m.insert(pos, 1, interesting[rng() % interesting.size()]); break;
          case 3: m.resize(pos); break;
          case 4: m[pos] = static_cast<char>(rng()); break;
        }
      }
      ++total;
      auto r = decoder.decode(m);
      if (r.ok()) ++decoded_ok;
      else ASSERT_TRUE(is_known_error_code(r.error().code)) << r.error().code << " for " << m;
      fuzz_one(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    }
  }
  // Many single-byte mutations (inside strings, digits) still decode: the check is "no crash".
  EXPECT_GT(decoded_ok, 0u);
  EXPECT_LT(decoded_ok, total);
}

}  // namespace
}  // namespace bitten::ea

// TICK decode cost: our Decoder (simdjson + typed extraction) vs nlohmann::json::parse of the same
// bytes, in the same run. Also the tolerant path (unescaped quote) and the fire encoder.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "bitten/ea/commands.hpp"
#include "bitten/ea/decoder.hpp"

namespace {

const std::string kTick =
    R"({"type":"TICK","node_id":"NODE_1234567_998877","user_uuid":"USER_UUID_123","symbol":"EURUSD",)"
    R"("bid":1.17602,"ask":1.17603,"spread":1.0,"volume":0,"timestamp":"2025.09.15 19:41:16"})";

const std::string kQuirkyHello =
    R"({"type":"HELLO","target_uuid":"USER_UUID_123","node_id":"NODE_1234567_998877","account_login":"1234567",)"
    R"("broker":"Quote"Markets-Live","company":"Quote "Prime" Markets, Ltd","terminal":"MetaTrader 5","currency":"USD",)"
    R"("balance":1000.00,"equity":1000.00,"leverage":500,"margin":0.00,"free_margin":1000.00,"margin_level":0.00,)"
    R"("symbols":22,"version":"2.05","timestamp":"2025.09.15 19:41:16"})";

void BM_DecodeTick_Simdjson(benchmark::State& state) {
  bitten::ea::Decoder decoder;
  for (auto _ : state) {
    auto r = decoder.decode_tick(kTick);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTick.size()));
  state.SetLabel(simdjson::get_active_implementation()->name());
}
BENCHMARK(BM_DecodeTick_Simdjson);

void BM_DecodeMessage_Tick(benchmark::State& state) {
  bitten::ea::Decoder decoder;
  for (auto _ : state) {
    auto r = decoder.decode(kTick);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTick.size()));
}
BENCHMARK(BM_DecodeMessage_Tick);

// nlohmann: parse to a DOM and pull the same fields into the same struct.
void BM_DecodeTick_Nlohmann(benchmark::State& state) {
  for (auto _ : state) {
    auto j = nlohmann::json::parse(kTick);
    bitten::ea::Tick t;
    t.node_id = j["node_id"].get<std::string>();
    t.user_uuid = j["user_uuid"].get<std::string>();
    t.symbol = j["symbol"].get<std::string>();
    t.bid = j["bid"].get<double>();
    t.ask = j["ask"].get<double>();
    t.spread = j["spread"].get<double>();
    t.volume = j["volume"].get<int64_t>();
    t.timestamp = j["timestamp"].get<std::string>();
    benchmark::DoNotOptimize(t);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kTick.size()));
}
BENCHMARK(BM_DecodeTick_Nlohmann);

void BM_NlohmannParseOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto j = nlohmann::json::parse(kTick);
    benchmark::DoNotOptimize(j);
  }
}
BENCHMARK(BM_NlohmannParseOnly);

// Attribution: simdjson's own parse of the same bytes (no field extraction).
void BM_SimdjsonDomParseOnly(benchmark::State& state) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(kTick);
  for (auto _ : state) {
    simdjson::dom::element e;
    auto err = parser.parse(padded).get(e);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_SimdjsonDomParseOnly);

void BM_DecodeHello_TolerantPath(benchmark::State& state) {
  bitten::ea::Decoder decoder;
  for (auto _ : state) {
    auto r = decoder.decode(kQuirkyHello);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DecodeHello_TolerantPath);

void BM_EncodeFire(benchmark::State& state) {
  bitten::ea::FireCommand c{"USER_UUID_123", "ELITE_RAPID_EURUSD_1757950692", "EURUSD",
                            bitten::ea::Direction::Buy, 0, 1.17455, 1.17830, 0.2};
  for (auto _ : state) {
    auto r = bitten::ea::encode_fire(c, 5);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EncodeFire);

}  // namespace

BENCHMARK_MAIN();

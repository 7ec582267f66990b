// The whole telemetry bridge path on arbitrary frames: split the input into 1-3 frames and feed
// them with and without the clock check. Nothing may crash; outputs must be valid envelopes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/schema/envelope.hpp"
#include "bridge.hpp"
#include "test_paths.hpp"

using namespace bitten;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static SymbolTable symbols = *SymbolTable::load_file(test::source_root() + "/config/symbols.json");
  static FakeClock clock(1'757'954'476'000'000'000);
  static runtime::Health health("telemetry_bridge", clock);
  static bridge::TelemetryBridge live(bridge::BridgeConfig{}, symbols, health);
  static bridge::TelemetryBridge replay([] {
    bridge::BridgeConfig c;
    c.clock_check = false;
    c.broker_offset_s = 10800;
    return c;
  }(), symbols, health);
  std::string s(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> frames;
  size_t start = 0;
  for (size_t i = 0; i < s.size() && frames.size() < 2; ++i)
    if (s[i] == '\x1f') {
      frames.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  frames.push_back(s.substr(start));
  std::vector<bridge::Outbound> out;
  live.on_message(frames, clock.now_ns(), out);
  replay.on_message(frames, clock.now_ns(), out);
  for (const auto& o : out)
    if (!schema::decode_envelope(o.payload)) __builtin_trap();
  return 0;
}

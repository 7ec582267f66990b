#pragma once
// The detector engine: market messages in, candidate signals out. No sockets, no clock: everything
// runs on the messages' event time, so the live daemons and the backtester (which replays files
// through this same class) produce the same signals, with the same ids, from the same prices.
//
//   ticks / EA M1 bars --> BarBuilder (per symbol) --> closed bar of the detection timeframe
//     --> SeriesState.update --> every enabled pattern (always, so their state stays exact)
//     --> build_signal (spread filter, SL/TP, class) --> cooldown per symbol+pattern and hourly cap
//     per symbol, both on event time --> candidates
//
// Corrected bars (an EA bar revising a bar already decided) are counted and not re-decided: a
// detection is made once, on the bar as it closed, and never republished.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/market/bar_builder.hpp"
#include "bitten/patterns/params.hpp"
#include "bitten/patterns/pattern.hpp"
#include "bitten/patterns/signal_builder.hpp"
#include "bitten/schema/bar.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/schema/tick.hpp"

namespace bitten::patterns {

struct EngineConfig {
  std::string source = "detector";                     // SignalMsg::source
  market::Timeframe timeframe = market::Timeframe::M5;  // detection timeframe
  std::vector<PatternId> patterns;                      // enabled patterns, in evaluation order
  std::vector<std::string> symbols;                     // traded symbols; empty = every symbol in the table
  PatternSetParams params;
};

struct EngineStats {
  uint64_t ticks = 0;
  uint64_t ea_bars = 0;
  uint64_t bars_closed = 0;            // detection-timeframe bars decided
  uint64_t bars_corrected = 0;         // corrections of decided bars (not re-decided)
  uint64_t unknown_symbol = 0;         // not in the symbol table
  uint64_t untraded_symbol = 0;        // in the table but not in config.symbols
  uint64_t ignored_bar_msgs = 0;       // BarMsg that is not an EA M1 bar
  uint64_t late_or_invalid = 0;        // dropped by the bar builder
  std::array<uint64_t, kPatternCount> detections{};  // pattern fired (before spread/SL/throttle)
  std::array<uint64_t, kPatternCount> signals{};     // candidates emitted
  std::array<uint64_t, static_cast<size_t>(Rejection::Count)> rejected{};
  uint64_t throttled_cooldown = 0;
  uint64_t throttled_hourly = 0;
};

class DetectorEngine {
 public:
  DetectorEngine(EngineConfig config, const SymbolTable& symbols);
  ~DetectorEngine();
  DetectorEngine(DetectorEngine&&) noexcept;

  // Live inputs (what telemetry_bridge publishes on 5560).
  void on_tick(const schema::TickMsg& tick, std::vector<schema::SignalMsg>& out);
  void on_bar(const schema::BarMsg& bar, std::vector<schema::SignalMsg>& out);
  // Replay inputs: an M1 bid bar with the spread at its close (M1 quote-bar files), or a bar of the
  // detection timeframe itself (e.g. an M15 file with a 15-minute detection timeframe).
  void on_m1_bar(std::string_view symbol, const market::EaBar& bar, double close_spread,
                 std::vector<schema::SignalMsg>& out);
  void on_closed_bar(std::string_view symbol, const market::Bar& bar, double close_spread,
                     std::vector<schema::SignalMsg>& out);
  // Event time reached now_ns for every symbol (closes bars whose period ended); flush() closes
  // whatever is forming (end of a replay; live never calls it).
  void advance(int64_t now_ns, std::vector<schema::SignalMsg>& out);
  void flush(std::vector<schema::SignalMsg>& out);

  const EngineStats& stats() const { return stats_; }
  const EngineConfig& config() const { return config_; }

 private:
  struct SymbolState;
  SymbolState* state_for(std::string_view symbol);
  void handle_events(SymbolState& st, const std::vector<market::BarEvent>& events, double spread,
                     std::vector<schema::SignalMsg>& out);
  void decide(SymbolState& st, const market::Bar& bar, double spread, std::vector<schema::SignalMsg>& out);

  EngineConfig config_;
  const SymbolTable& symbols_;
  std::string timeframe_name_;
  std::map<std::string, std::unique_ptr<SymbolState>, std::less<>> states_;
  EngineStats stats_;
};

}  // namespace bitten::patterns

#pragma once
// Replays the EA simulator's feeds exactly as the live fleet receives them, without sockets: the
// simulator's own readers, merge and SimEa (the v2.05 EA's bytes: TICK snapshots at most once a
// second per symbol, prices at the symbol's digits, the EA's M1 OHLC), then telemetry_bridge's
// logic (validation, UTC, coalescing, envelopes), then each detector daemon's logic (envelopes in,
// candidates out). It is the live path with the sockets taken out, so its signals are the ones the
// daemons publish when ea_sim replays the same config (tests/e2e/test_parity.py holds the two equal).
//
// Configuration comes from the same folder the fleet reads: <config_dir>/ea_sim.json (feeds, data
// folder, fixed shift, broker offset, UUID prefix, EA options), telemetry_bridge.json and the
// detector configs. The EA's 1 s timer runs for every replay second, as the simulator's does at
// any speed up to about x1000 (it advances at least every millisecond of wall time); faster, it
// skips seconds without quotes, which moves the EA's 60 s OHLC cycle (docs/patterns.md, "Parity").
#include <string>
#include <vector>

#include "bitten/backtest/data.hpp"
#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/patterns/engine.hpp"
#include "bitten/schema/signal.hpp"

namespace bitten::backtest {

struct AsEaFeed {
  std::string symbol;
  DataSet quotes;  // the quotes the simulated EA saw (for grading), as ticks
};

struct AsEaResult {
  std::vector<schema::SignalMsg> signals;  // in emission order, engines interleaved as published
  std::vector<AsEaFeed> feeds;
  uint64_t quotes = 0;            // replayed quotes
  uint64_t ea_messages = 0;       // telemetry messages the EA sent
  uint64_t bridge_published = 0;  // tick/bar envelopes the bridge published
  uint64_t bridge_dropped = 0;    // refused by the bridge's validation (should be 0)
};

// `engines` come from load_engine_configs (one per detector daemon). Relative feed paths resolve
// against ea_sim.json's data_dir, else the working directory. Refuses a config whose replay times
// depend on the wall clock (shift_to_now, warmup_s).
Result<AsEaResult> replay_as_ea(const std::string& config_dir, std::vector<patterns::EngineConfig> engines,
                                const SymbolTable& symbols);

}  // namespace bitten::backtest

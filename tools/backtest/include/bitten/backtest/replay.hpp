#pragma once
// Replays a data set through the live detector engines and grades every candidate with libs/grading.
//
// The engines are built from the daemons' own config files (elite_guard.json, pattern_detector.json
// and the patterns.json they name), one engine per daemon, so the throttles and ids are exactly the
// live ones. Ticks go through DetectorEngine::on_tick as TickMsg (what the daemons receive); M1
// bid/ask bars go through on_m1_bar (the EA-bar path), bars of the detection timeframe through
// on_closed_bar. Nothing is flushed at the end: a bar that never closed is not decided (as live).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bitten/backtest/data.hpp"
#include "bitten/grading/grader.hpp"
#include "bitten/patterns/engine.hpp"

namespace bitten::backtest {

// Builds the engines of the named daemons from <config_dir>/<daemon>.json. `timeframe` overrides
// the configured detection timeframe when given.
Result<std::vector<patterns::EngineConfig>> load_engine_configs(const std::string& config_dir,
                                                                const std::vector<std::string>& daemons,
                                                                std::optional<market::Timeframe> timeframe = {});

using Progress = std::function<void(size_t done, size_t total)>;

// Candidates in emission order (as the daemons would PUSH them, engines interleaved per input).
std::vector<schema::SignalMsg> replay(std::vector<patterns::DetectorEngine>& engines, const DataSet& data,
                                      const Progress& progress = {});

struct Graded {
  schema::SignalMsg signal;
  grading::GradeResult result;
};

// Grades each signal from its detection time on, over the data's ticks (tick rule) or bars (bar rule).
std::vector<Graded> grade(const std::vector<schema::SignalMsg>& signals, const DataSet& data, const SymbolSpec& spec,
                          int64_t horizon_ns);

}  // namespace bitten::backtest

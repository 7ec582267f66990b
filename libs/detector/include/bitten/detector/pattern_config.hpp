#pragma once
// Strict reading of config/patterns.json (every pattern's parameters, throttles, spread limits,
// class rule) and of a detector daemon's own keys. Unknown keys and out-of-range values are
// errors, all reported together.
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/patterns/engine.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::detector {

// Reads a whole patterns.json document. Missing keys keep the defaults of params.hpp.
patterns::PatternSetParams read_pattern_params(runtime::ConfigReader& cfg);
Result<patterns::PatternSetParams> load_pattern_params(const std::string& path);

struct DetectorConfig {
  std::string market_sub = "tcp://127.0.0.1:5560";
  std::string candidates_push = "tcp://127.0.0.1:5559";
  int sub_rcvhwm = 100000;
  int push_sndhwm = 10000;
  std::string pattern_config;  // resolved path of patterns.json
  patterns::EngineConfig engine;
};

// Reads the daemon's keys (market_sub, candidates_push, hwm, timeframe, patterns, traded_symbols,
// pattern_config) and then the pattern file. `config_dir` resolves a relative pattern_config.
// Problems are recorded on `cfg` (so finish() reports them with everything else).
DetectorConfig read_detector_config(runtime::ConfigReader& cfg, const std::string& daemon_name,
                                    const std::string& config_dir);

}  // namespace bitten::detector

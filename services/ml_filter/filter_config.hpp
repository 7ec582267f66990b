#pragma once
// ml_filter's own config keys (config/ml_filter.json). Strict: unknown keys are refused by the reader.
#include <cstdint>
#include <string>

#include "bitten/core/result.hpp"
#include "bitten/runtime/config.hpp"

namespace bitten::mlfilter {

struct FilterConfig {
  std::string candidates_pull = "tcp://*:5559";  // PULL (bind): candidates from the detectors
  std::string signals_pub = "tcp://*:5557";      // PUB (bind): every scored signal
  int pull_rcvhwm = 100'000;
  int pub_sndhwm = 100'000;
  // The model registry (models table) and the folder models are written to. Empty = under state_dir.
  std::string db_path;     // "" -> <state_dir>/bitten.db
  std::string models_dir;  // "" -> <state_dir>/models
  int64_t reload_poll_ms = 2000;  // how often the loader thread looks at the registry
  // Cold start (no model): accept when rule confidence >= this. Also used if a model cannot score.
  double cold_start_min_confidence = 75.0;
  size_t dedup_window = 4096;  // recent signal ids remembered to drop a repeated candidate

  static Result<FilterConfig> read(runtime::ConfigReader& cfg, const std::string& state_dir);
};

}  // namespace bitten::mlfilter

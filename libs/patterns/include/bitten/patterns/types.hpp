#pragma once
// Vocabulary shared by the six patterns, the signal builder and the detector engine.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace bitten::patterns {

enum class Side { Buy, Sell };
inline std::string_view side_name(Side s) { return s == Side::Buy ? "BUY" : "SELL"; }

enum class PatternId : int {
  LiquiditySweepReversal = 0,
  OrderBlockBounce,
  FairValueGapFill,
  VcbBreakout,
  MomentumBurst,
  BbScalp,
};
inline constexpr size_t kPatternCount = 6;
inline constexpr std::array<PatternId, kPatternCount> kAllPatterns = {
    PatternId::LiquiditySweepReversal, PatternId::OrderBlockBounce, PatternId::FairValueGapFill,
    PatternId::VcbBreakout,            PatternId::MomentumBurst,    PatternId::BbScalp};

// The wire name carried by SignalMsg::pattern, e.g. "LIQUIDITY_SWEEP_REVERSAL".
std::string_view pattern_name(PatternId id);
// Short lower-case key used in config and feature names, e.g. "lsr".
std::string_view pattern_key(PatternId id);
// Accepts the wire name or the short key.
std::optional<PatternId> parse_pattern(std::string_view text);

// One pattern-specific measure carried into SignalMsg::features. Names are string literals.
struct Feature {
  const char* name;
  double value;
};

// What a pattern found on the bar it was asked about. Levels are bid prices (bars are bid bars);
// the signal builder turns them into an executable order spec (entry on the side that fills).
struct Detection {
  Side side = Side::Buy;
  // Price beyond which the setup is invalid (the sweep extreme, the far edge of the block or gap...).
  double structure_stop = 0;
  double confidence = 0;  // 0..100, the pattern's own formula
  std::vector<Feature> features;
};

}  // namespace bitten::patterns

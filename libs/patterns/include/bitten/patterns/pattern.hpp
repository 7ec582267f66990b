#pragma once
// A pattern is a small state machine per symbol: it is shown every closed bar of its timeframe (in
// order, none skipped, even when the engine will throttle the result) and answers whether that bar
// completes its setup. It reads only SeriesState, i.e. bars up to and including the one decided.
#include <memory>
#include <optional>

#include "bitten/patterns/params.hpp"
#include "bitten/patterns/series.hpp"
#include "bitten/patterns/types.hpp"

namespace bitten::patterns {

class Pattern {
 public:
  virtual ~Pattern() = default;
  virtual PatternId id() const = 0;
  virtual std::optional<Detection> on_bar(const SeriesState& s) = 0;
};

std::unique_ptr<Pattern> make_pattern(PatternId id, const PatternSetParams& params);

inline double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace bitten::patterns

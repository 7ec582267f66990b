#include "bitten/ml/threshold.hpp"

#include <cassert>
#include <cmath>

#include "bitten/ml/dataset.hpp"

namespace bitten::ml {

ThresholdChoice choose_threshold(std::span<const double> p, std::span<const float> y, std::span<const double> rr,
                                 const ThresholdRule& rule) {
  assert(p.size() == y.size() && p.size() == rr.size());
  ThresholdChoice best;
  best.threshold = rule.fallback;
  const int steps = static_cast<int>(std::floor((rule.hi - rule.lo) / rule.step + 1e-9));
  for (int k = 0; k <= steps; ++k) {
    // Rounded to 1e-6 so that the stored threshold is exactly the grid value (0.6, not 0.6000000000000001).
    const double t = std::round((rule.lo + rule.step * k) * 1e6) / 1e6;
    ThresholdChoice c;
    c.threshold = t;
    double wins = 0, exp_r = 0;
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] < t) continue;
      ++c.accepted;
      wins += y[i] > 0.5f ? 1 : 0;
      c.total_r += realised_r(y[i], rr[i]);
      exp_r += p[i] * rr[i] - (1 - p[i]);
    }
    if (c.accepted < rule.min_count || c.accepted == 0) continue;
    const auto n = static_cast<double>(c.accepted);
    c.win_rate = wins / n;
    c.mean_r = c.total_r / n;
    c.mean_expected_r = exp_r / n;
    c.found = true;
    if (!best.found || c.mean_r > best.mean_r + 1e-12) best = c;
  }
  return best;
}

nlohmann::json to_json(const ThresholdChoice& c) {
  return {{"found", c.found},       {"threshold", c.threshold}, {"accepted", c.accepted},
          {"win_rate", c.win_rate}, {"mean_r", c.mean_r},       {"total_r", c.total_r},
          {"mean_expected_r", c.mean_expected_r}};
}

}  // namespace bitten::ml

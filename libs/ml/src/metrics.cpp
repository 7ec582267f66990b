#include "bitten/ml/metrics.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace bitten::ml {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double auc(std::span<const double> p, std::span<const float> y) {
  assert(p.size() == y.size());
  const size_t n = p.size();
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  double rank_sum_pos = 0;
  size_t n_pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && p[idx[j]] == p[idx[i]]) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // 1-based
    for (size_t k = i; k < j; ++k) {
      if (y[idx[k]] > 0.5f) {
        rank_sum_pos += avg_rank;
        ++n_pos;
      }
    }
    i = j;
  }
  const size_t n_neg = n - n_pos;
  if (n_pos == 0 || n_neg == 0) return kNaN;
  const double np = static_cast<double>(n_pos);
  return (rank_sum_pos - np * (np + 1) / 2.0) / (np * static_cast<double>(n_neg));
}

double auc_standard_error(double a, size_t n_pos, size_t n_neg) {
  if (n_pos == 0 || n_neg == 0 || std::isnan(a)) return kNaN;
  const double q1 = a / (2 - a);
  const double q2 = 2 * a * a / (1 + a);
  const double np = static_cast<double>(n_pos), nn = static_cast<double>(n_neg);
  const double var = (a * (1 - a) + (np - 1) * (q1 - a * a) + (nn - 1) * (q2 - a * a)) / (np * nn);
  return std::sqrt(std::max(var, 0.0));
}

double log_loss(std::span<const double> p, std::span<const float> y, double eps) {
  assert(p.size() == y.size());
  if (p.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp(p[i], eps, 1 - eps);
    s -= y[i] > 0.5f ? std::log(q) : std::log(1 - q);
  }
  return s / static_cast<double>(p.size());
}

double brier(std::span<const double> p, std::span<const float> y) {
  assert(p.size() == y.size());
  if (p.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double d = p[i] - (y[i] > 0.5f ? 1.0 : 0.0);
    s += d * d;
  }
  return s / static_cast<double>(p.size());
}

Metrics evaluate(std::span<const double> p, std::span<const float> y) {
  Metrics m;
  m.n = p.size();
  for (float v : y) m.wins += v > 0.5f ? 1 : 0;
  m.base_rate = m.n ? static_cast<double>(m.wins) / static_cast<double>(m.n) : kNaN;
  m.auc = auc(p, y);
  m.auc_se = auc_standard_error(m.auc, m.wins, m.n - m.wins);
  m.log_loss = log_loss(p, y);
  m.brier = brier(p, y);
  return m;
}

nlohmann::json to_json(const Metrics& m) {
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"n", m.n},           {"wins", m.wins},       {"base_rate", num(m.base_rate)}, {"auc", num(m.auc)},
          {"auc_se", num(m.auc_se)}, {"log_loss", num(m.log_loss)}, {"brier", num(m.brier)}};
}

std::vector<CalibrationBucket> calibration_table(std::span<const double> p, std::span<const float> y,
                                                 size_t n_buckets) {
  assert(p.size() == y.size());
  n_buckets = std::max<size_t>(n_buckets, 1);
  std::vector<CalibrationBucket> t(n_buckets);
  std::vector<double> sum_p(n_buckets, 0), sum_y(n_buckets, 0);
  const double w = 1.0 / static_cast<double>(n_buckets);
  for (size_t b = 0; b < n_buckets; ++b) {
    t[b].lo = static_cast<double>(b) * w;
    t[b].hi = b + 1 == n_buckets ? 1.0 : static_cast<double>(b + 1) * w;
  }
  for (size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp(p[i], 0.0, 1.0);
    const size_t b = std::min(static_cast<size_t>(q * static_cast<double>(n_buckets)), n_buckets - 1);
    ++t[b].count;
    sum_p[b] += p[i];
    sum_y[b] += y[i] > 0.5f ? 1.0 : 0.0;
  }
  for (size_t b = 0; b < n_buckets; ++b) {
    if (t[b].count == 0) continue;
    t[b].mean_predicted = sum_p[b] / static_cast<double>(t[b].count);
    t[b].win_rate = sum_y[b] / static_cast<double>(t[b].count);
  }
  return t;
}

nlohmann::json to_json(const std::vector<CalibrationBucket>& table) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& b : table)
    a.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"mean_predicted", b.mean_predicted},
                 {"win_rate", b.win_rate}});
  return a;
}

}  // namespace bitten::ml

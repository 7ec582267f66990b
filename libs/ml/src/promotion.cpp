#include "bitten/ml/promotion.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace bitten::ml {

RuleBaseline RuleBaseline::fit(std::span<const double> confidence, std::span<const float> y, size_t n_buckets,
                               double prior_weight) {
  assert(confidence.size() == y.size());
  RuleBaseline b;
  const size_t n = confidence.size();
  if (n == 0) return b;
  b.base_rate_ = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t c) { return confidence[a] < confidence[c]; });
  n_buckets = std::clamp<size_t>(n_buckets, 1, n);
  size_t start = 0;
  for (size_t k = 0; k < n_buckets && start < n; ++k) {
    size_t end = k + 1 == n_buckets ? n : (n * (k + 1)) / n_buckets;
    // keep equal confidences in one bucket
    while (end < n && end > 0 && confidence[idx[end]] == confidence[idx[end - 1]]) ++end;
    if (end <= start) continue;
    double wins = 0;
    for (size_t i = start; i < end; ++i) wins += y[idx[i]] > 0.5f ? 1 : 0;
    b.upper_edges_.push_back(confidence[idx[end - 1]]);
    b.rates_.push_back((wins + prior_weight * b.base_rate_) / (static_cast<double>(end - start) + prior_weight));
    start = end;
  }
  return b;
}

double RuleBaseline::predict(double confidence) const {
  if (rates_.empty()) return base_rate_;
  for (size_t b = 0; b + 1 < upper_edges_.size(); ++b)
    if (confidence <= upper_edges_[b]) return rates_[b];
  return rates_.back();
}

std::vector<double> RuleBaseline::predict(std::span<const double> confidence) const {
  std::vector<double> out;
  out.reserve(confidence.size());
  for (double c : confidence) out.push_back(predict(c));
  return out;
}

namespace {

std::vector<std::vector<size_t>> time_blocks(std::span<const int64_t> time_ns, size_t n, int64_t block_ns) {
  std::vector<std::vector<size_t>> blocks;
  if (time_ns.size() != n || block_ns <= 0) {
    for (size_t i = 0; i < n; ++i) blocks.push_back({i});
    return blocks;
  }
  std::map<int64_t, std::vector<size_t>> by_block;
  const int64_t t0 = n ? *std::min_element(time_ns.begin(), time_ns.end()) : 0;
  for (size_t i = 0; i < n; ++i) by_block[(time_ns[i] - t0) / block_ns].push_back(i);
  for (auto& [id, rows] : by_block) blocks.push_back(std::move(rows));
  return blocks;
}

double row_log_loss(double p, float y) {
  const double q = std::clamp(p, 1e-15, 1 - 1e-15);
  return y > 0.5f ? -std::log(q) : -std::log(1 - q);
}

PairedGain paired_gain(std::span<const float> y, std::span<const double> p_candidate, std::span<const double> p_other,
                       const std::vector<std::vector<size_t>>& blocks) {
  const auto n = static_cast<double>(y.size());
  PairedGain g;
  std::vector<double> block_sum;
  for (const auto& rows : blocks) {
    double s = 0;
    for (size_t i : rows) s += row_log_loss(p_other[i], y[i]) - row_log_loss(p_candidate[i], y[i]);
    block_sum.push_back(s);
    g.gain += s;
  }
  g.gain /= n;
  // Cluster-robust variance of a mean: sum over blocks of (S_b - n_b * mean)^2 / n^2.
  double var = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const double r = block_sum[b] - static_cast<double>(blocks[b].size()) * g.gain;
    var += r * r;
  }
  const double k = static_cast<double>(blocks.size());
  if (k > 1) var *= k / (k - 1);  // small-sample correction
  g.se = std::sqrt(var) / n;
  return g;
}

double block_bootstrap_auc_se(std::span<const float> y, std::span<const double> p,
                              const std::vector<std::vector<size_t>>& blocks, int rounds, uint64_t seed) {
  if (blocks.size() < 2 || rounds < 2) return 0;
  std::mt19937_64 rng(seed);
  std::vector<double> aucs;
  std::vector<double> bp;
  std::vector<float> by;
  for (int r = 0; r < rounds; ++r) {
    bp.clear();
    by.clear();
    for (size_t k = 0; k < blocks.size(); ++k) {
      for (size_t i : blocks[rng() % blocks.size()]) {
        bp.push_back(p[i]);
        by.push_back(y[i]);
      }
    }
    const double a = auc(bp, by);
    if (!std::isnan(a)) aucs.push_back(a);
  }
  if (aucs.size() < 2) return std::numeric_limits<double>::infinity();
  const double mean = std::accumulate(aucs.begin(), aucs.end(), 0.0) / static_cast<double>(aucs.size());
  double var = 0;
  for (double a : aucs) var += (a - mean) * (a - mean);
  return std::sqrt(var / static_cast<double>(aucs.size() - 1));
}

}  // namespace

PromotionDecision decide_promotion(std::span<const float> y, std::span<const int64_t> time_ns,
                                   std::span<const double> p_candidate, std::span<const double> p_baseline,
                                   std::optional<std::span<const double>> p_current, const PromotionRules& rules) {
  assert(p_candidate.size() == y.size() && p_baseline.size() == y.size());
  PromotionDecision d;
  d.candidate = evaluate(p_candidate, y);
  d.baseline = evaluate(p_baseline, y);
  if (p_current) {
    assert(p_current->size() == y.size());
    d.current = evaluate(*p_current, y);
  }
  const Metrics& c = d.candidate;
  if (c.n < rules.min_holdout || c.wins == 0 || c.wins == c.n) {
    d.reason = "holdout_too_small";
    return d;
  }
  const auto blocks = time_blocks(time_ns, y.size(), rules.block_ns);
  d.blocks = blocks.size();
  d.auc_block_se = block_bootstrap_auc_se(y, p_candidate, blocks, rules.bootstrap_rounds, rules.seed);
  d.vs_baseline = paired_gain(y, p_candidate, p_baseline, blocks);
  if (p_current) d.vs_current = paired_gain(y, p_candidate, *p_current, blocks);

  const double se = std::max(c.auc_se, d.auc_block_se);
  if (!(c.auc - rules.z * se > 0.5)) {
    d.reason = "not_better_than_chance";
    return d;
  }
  const auto beats = [&](const Metrics& other, const PairedGain& g, double auc_slack) {
    const double other_auc = std::isnan(other.auc) ? 0.5 : other.auc;
    return g.gain >= rules.min_log_loss_gain && g.gain - rules.z * g.se > 0 && c.auc >= other_auc - auc_slack;
  };
  if (!beats(d.baseline, d.vs_baseline, 0.0)) {
    d.reason = "not_better_than_baseline";
    return d;
  }
  if (d.current && !beats(*d.current, *d.vs_current, rules.max_auc_drop)) {
    d.reason = "not_better_than_current";
    return d;
  }
  d.promote = true;
  d.reason = d.current ? "better_than_current" : "better_than_baseline";
  return d;
}

nlohmann::json to_json(const PromotionDecision& d) {
  nlohmann::json j = {{"promote", d.promote},
                      {"reason", d.reason},
                      {"candidate", to_json(d.candidate)},
                      {"baseline", to_json(d.baseline)}};
  j["blocks"] = d.blocks;
  j["auc_block_se"] = d.auc_block_se;
  j["vs_baseline"] = {{"gain", d.vs_baseline.gain}, {"se", d.vs_baseline.se}};
  if (d.current) j["current"] = to_json(*d.current);
  if (d.vs_current) j["vs_current"] = {{"gain", d.vs_current->gain}, {"se", d.vs_current->se}};
  return j;
}

}  // namespace bitten::ml

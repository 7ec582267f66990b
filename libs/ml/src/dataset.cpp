#include "bitten/ml/dataset.hpp"

#include <algorithm>
#include <numeric>

namespace bitten::ml {

Dataset Dataset::slice(size_t begin, size_t end) const {
  end = std::min(end, rows());
  begin = std::min(begin, end);
  Dataset d;
  d.n_cols = n_cols;
  d.x.assign(x.begin() + static_cast<std::ptrdiff_t>(begin * n_cols), x.begin() + static_cast<std::ptrdiff_t>(end * n_cols));
  auto cut = [&](const auto& v, auto& out) {
    out.assign(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(end));
  };
  cut(y, d.y);
  cut(time_ns, d.time_ns);
  cut(rr, d.rr);
  cut(rule_confidence, d.rule_confidence);
  return d;
}

DatasetBuild make_dataset(std::span<const LabelledSignal> rows, const FeatureEncoder& encoder) {
  DatasetBuild b;
  std::vector<size_t> order;
  order.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    switch (rows[i].outcome) {
      case grading::Outcome::Win:
      case grading::Outcome::Loss: order.push_back(i); break;
      case grading::Outcome::Timeout: ++b.excluded_timeout; break;
      case grading::Outcome::Pending: ++b.excluded_pending; break;
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t c) { return rows[a].signal.bar_time_ns < rows[c].signal.bar_time_ns; });
  Dataset& d = b.data;
  d.n_cols = encoder.size();
  d.x.resize(order.size() * d.n_cols);
  for (size_t r = 0; r < order.size(); ++r) {
    const auto& ls = rows[order[r]];
    encoder.encode(ls.signal, std::span<float>(d.x.data() + r * d.n_cols, d.n_cols));
    d.y.push_back(ls.outcome == grading::Outcome::Win ? 1.0f : 0.0f);
    d.time_ns.push_back(ls.signal.bar_time_ns);
    d.rr.push_back(ls.signal.rr);
    d.rule_confidence.push_back(ls.signal.confidence);
  }
  return b;
}

}  // namespace bitten::ml

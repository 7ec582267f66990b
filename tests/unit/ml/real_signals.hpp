#pragma once
// Labelled signals on REAL prices for the ML tests. There are no labelled production signals yet,
// so simple deterministic rule signals are invented on real M1 bid/ask bars (../shared/data/real,
// or the small excerpt in tests/data/market when that is absent) and labelled with libs/grading's
// BarGrader on the bars that follow. The signals are made up; the prices and outcomes are real.
#include <string>
#include <vector>

#include "bitten/grading/trade.hpp"
#include "bitten/ml/dataset.hpp"

namespace bitten::ml::testdata {

std::vector<grading::QuoteBar> load_bidask_m1_csv(const std::string& path);

// One signal every `every` bars after a warm-up, labelled with a `horizon_min` minute horizon.
std::vector<LabelledSignal> synthesize_signals(const std::vector<grading::QuoteBar>& bars, const std::string& symbol,
                                               double pip_size, size_t every, int horizon_min = 240);

inline constexpr int kFullHorizonMin = 240;    // grading horizon with the full data
inline constexpr int kExcerptHorizonMin = 30;  // with the ~5 h excerpt

struct RealRows {
  std::vector<LabelledSignal> rows;
  bool full_data = false;  // true when ../shared/data/real was available
  std::string description;
  int64_t horizon_ns() const { return (full_data ? kFullHorizonMin : kExcerptHorizonMin) * 60'000'000'000LL; }
};
// EURUSD, NZDUSD, XAUUSD (Oanda M1, 2014-05-01..15) from BITTEN_SHARED_DATA when present; otherwise the
// EURUSD excerpt under BITTEN_SOURCE_ROOT/tests/data/market (a few hundred rows).
RealRows load_real_rows();

}  // namespace bitten::ml::testdata

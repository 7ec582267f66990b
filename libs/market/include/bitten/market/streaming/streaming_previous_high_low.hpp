#pragma once
// Causal previous-period high/low. The oracle's previous_high_low is causal (it only reads
// completed periods), so this reproduces it bar by bar, quirks included: a bar exactly on a period
// start still belongs to the previous reference group, and weekly (W-SUN, right-labelled) frames
// reference the week before last.
#include <cstdint>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::market {

struct PreviousHighLow {
  double previous_high;  // NaN until two periods have been seen (float32-rounded like the oracle)
  double previous_low;
  bool broken_high;
  bool broken_low;
};

class StreamingPreviousHighLow {
 public:
  static Result<StreamingPreviousHighLow> create(const std::string& time_frame);
  // Bars must come in ascending time.
  PreviousHighLow on_bar(int64_t time_ns, double high, double low);

 private:
  StreamingPreviousHighLow() = default;
  int64_t label_of(int64_t t) const;

  bool weekly_ = false;
  int64_t period_ns_ = 0;
  bool has_origin_ = false;
  int64_t origin_ = 0;
  std::vector<int64_t> labels_;
  std::vector<double> highs_, lows_;
  long group_ = -1000;
  double run_max_ = 0, run_min_ = 0;
};

}  // namespace bitten::market

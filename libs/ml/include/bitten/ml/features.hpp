#pragma once
// The one feature builder. Training (make_dataset) and inference (Model::score) both call
// FeatureEncoder::encode, so the two can never disagree about a signal's vector.
//
// Column layout (docs/ml.md §Features), fixed by a FeatureSchema saved in the model's metadata:
//   1. base numerics, in kBaseFeatures order: hour, day_of_week (UTC, from bar_time_ns), direction
//      (1 BUY, 0 SELL, NaN otherwise), atr_pips, spread_pips, confidence, rr, sl_pips;
//   2. one-hot columns per categorical field (pattern, symbol, session, timeframe), one column
//      "<field>=<value>" per value known at training time, then "<field>=__OTHER__" which is 1 for a
//      value not in the table (unseen, or rarer than min_category_count at training time);
//   3. "f.<key>" for each SignalMsg::features key listed in the schema; NaN (XGBoost's missing) when
//      the signal does not carry it.
// Code tables are fitted once, on the training window, and never recomputed at inference.
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/schema/signal.hpp"

namespace bitten::ml {

inline constexpr std::string_view kOtherCategory = "__OTHER__";
inline constexpr int kFeatureSchemaVersion = 1;
inline constexpr std::array<std::string_view, 8> kBaseFeatures = {
    "hour", "day_of_week", "direction", "atr_pips", "spread_pips", "confidence", "rr", "sl_pips"};
inline constexpr std::array<std::string_view, 4> kCategoricalFields = {"pattern", "symbol", "session", "timeframe"};

struct CategoryTable {
  std::string field;                // one of kCategoricalFields
  std::vector<std::string> values;  // known values, in column order (sorted at fit time)

  bool operator==(const CategoryTable&) const = default;
};

struct FeatureSchema {
  int version = kFeatureSchemaVersion;
  std::vector<CategoryTable> categoricals;  // one per kCategoricalFields entry, in that order
  std::vector<std::string> extra;           // SignalMsg::features keys

  struct FitOptions {
    std::vector<std::string> extra;  // feature-map keys to include
    size_t min_category_count = 1;   // rarer values fold into __OTHER__
  };
  // Builds the code tables from the training signals only.
  static FeatureSchema fit(std::span<const schema::SignalMsg> training, const FitOptions& options);

  std::vector<std::string> names() const;  // column names, in layout order
  size_t size() const;

  nlohmann::json to_json() const;
  static Result<FeatureSchema> from_json(const nlohmann::json& j);

  bool operator==(const FeatureSchema&) const = default;
};

// UTC hour (0..23) and day of week (0 = Monday .. 6 = Sunday) of an epoch-ns time.
int utc_hour(int64_t time_ns);
int utc_day_of_week(int64_t time_ns);

class FeatureEncoder {
 public:
  explicit FeatureEncoder(FeatureSchema schema);

  const FeatureSchema& schema() const { return schema_; }
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

  // Writes exactly size() floats. out.size() must be size() (a bug otherwise: asserts).
  void encode(const schema::SignalMsg& s, std::span<float> out) const;
  std::vector<float> encode(const schema::SignalMsg& s) const;

 private:
  struct Table {
    size_t first_column = 0;  // column of the first known value; other = first_column + codes.size()
    std::map<std::string, size_t, std::less<>> codes;
  };
  FeatureSchema schema_;
  std::vector<std::string> names_;
  std::array<Table, kCategoricalFields.size()> tables_;
  size_t extra_first_column_ = 0;
};

}  // namespace bitten::ml

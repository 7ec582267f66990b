#include "bitten/ml/features.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "bitten/core/time.hpp"

namespace bitten::ml {

namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kSecPerDay = 86'400;

const std::string& field_value(const schema::SignalMsg& s, size_t field_index) {
  switch (field_index) {
    case 0: return s.pattern;
    case 1: return s.symbol;
    case 2: return s.session;
    default: return s.timeframe;
  }
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

int utc_hour(int64_t time_ns) {
  const int64_t sec = floor_div(time_ns, kNsPerSec);
  const int64_t sec_of_day = sec - floor_div(sec, kSecPerDay) * kSecPerDay;
  return static_cast<int>(sec_of_day / 3600);
}

int utc_day_of_week(int64_t time_ns) {
  return weekday_from_days(floor_div(floor_div(time_ns, kNsPerSec), kSecPerDay));
}

FeatureSchema FeatureSchema::fit(std::span<const schema::SignalMsg> training, const FitOptions& options) {
  FeatureSchema fs;
  fs.extra = options.extra;
  for (size_t f = 0; f < kCategoricalFields.size(); ++f) {
    std::map<std::string, size_t> counts;
    for (const auto& s : training) ++counts[field_value(s, f)];
    CategoryTable t;
    t.field = std::string(kCategoricalFields[f]);
    for (const auto& [value, n] : counts) {  // std::map: sorted, so the table is deterministic
      if (n >= options.min_category_count && value != kOtherCategory) t.values.push_back(value);
    }
    fs.categoricals.push_back(std::move(t));
  }
  return fs;
}

std::vector<std::string> FeatureSchema::names() const {
  std::vector<std::string> out;
  for (auto b : kBaseFeatures) out.emplace_back(b);
  for (const auto& t : categoricals) {
    for (const auto& v : t.values) out.push_back(t.field + "=" + v);
    out.push_back(t.field + "=" + std::string(kOtherCategory));
  }
  for (const auto& e : extra) out.push_back("f." + e);
  return out;
}

size_t FeatureSchema::size() const {
  size_t n = kBaseFeatures.size() + extra.size();
  for (const auto& t : categoricals) n += t.values.size() + 1;
  return n;
}

nlohmann::json FeatureSchema::to_json() const {
  nlohmann::json cats = nlohmann::json::array();
  for (const auto& t : categoricals) cats.push_back({{"field", t.field}, {"values", t.values}});
  nlohmann::json base = nlohmann::json::array();
  for (auto b : kBaseFeatures) base.push_back(std::string(b));
  return {{"version", version},
          {"base", base},
          {"categoricals", cats},
          {"other_value", std::string(kOtherCategory)},
          {"extra", extra},
          {"names", names()}};
}

Result<FeatureSchema> FeatureSchema::from_json(const nlohmann::json& j) {
  try {
    FeatureSchema fs;
    fs.version = j.at("version").get<int>();
    if (fs.version != kFeatureSchemaVersion)
      return make_error("model_incompatible", "feature schema version " + std::to_string(fs.version) +
                                                  " is not supported (expected " +
                                                  std::to_string(kFeatureSchemaVersion) + ")");
    std::vector<std::string> base = j.at("base").get<std::vector<std::string>>();
    if (!std::equal(base.begin(), base.end(), kBaseFeatures.begin(), kBaseFeatures.end()))
      return make_error("model_incompatible", "base feature list differs from this build's");
    for (const auto& c : j.at("categoricals")) {
      fs.categoricals.push_back({c.at("field").get<std::string>(), c.at("values").get<std::vector<std::string>>()});
    }
    if (fs.categoricals.size() != kCategoricalFields.size())
      return make_error("model_incompatible", "expected " + std::to_string(kCategoricalFields.size()) +
                                                  " categorical tables");
    for (size_t i = 0; i < kCategoricalFields.size(); ++i) {
      if (fs.categoricals[i].field != kCategoricalFields[i])
        return make_error("model_incompatible", "categorical table " + std::to_string(i) + " is '" +
                                                    fs.categoricals[i].field + "', expected '" +
                                                    std::string(kCategoricalFields[i]) + "'");
    }
    fs.extra = j.at("extra").get<std::vector<std::string>>();
    if (j.contains("names") && j.at("names").get<std::vector<std::string>>() != fs.names())
      return make_error("model_incompatible", "stored feature names do not match the schema's layout");
    return fs;
  } catch (const nlohmann::json::exception& e) {
    return make_error("metadata_invalid", std::string("feature schema: ") + e.what());
  }
}

FeatureEncoder::FeatureEncoder(FeatureSchema schema) : schema_(std::move(schema)), names_(schema_.names()) {
  size_t col = kBaseFeatures.size();
  for (size_t f = 0; f < tables_.size() && f < schema_.categoricals.size(); ++f) {
    tables_[f].first_column = col;
    const auto& values = schema_.categoricals[f].values;
    for (size_t i = 0; i < values.size(); ++i) tables_[f].codes.emplace(values[i], i);
    col += values.size() + 1;
  }
  extra_first_column_ = col;
}

void FeatureEncoder::encode(const schema::SignalMsg& s, std::span<float> out) const {
  assert(out.size() == names_.size());
  constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
  std::fill(out.begin(), out.end(), 0.0f);
  out[0] = static_cast<float>(utc_hour(s.bar_time_ns));
  out[1] = static_cast<float>(utc_day_of_week(s.bar_time_ns));
  out[2] = s.direction == "BUY" ? 1.0f : s.direction == "SELL" ? 0.0f : kMissing;
  out[3] = static_cast<float>(s.atr_pips);
  out[4] = static_cast<float>(s.spread_pips);
  out[5] = static_cast<float>(s.confidence);
  out[6] = static_cast<float>(s.rr);
  out[7] = static_cast<float>(s.sl_pips);
  for (size_t f = 0; f < tables_.size() && f < schema_.categoricals.size(); ++f) {
    const Table& t = tables_[f];
    const auto it = t.codes.find(field_value(s, f));
    out[t.first_column + (it == t.codes.end() ? t.codes.size() : it->second)] = 1.0f;
  }
  for (size_t i = 0; i < schema_.extra.size(); ++i) {
    const auto it = s.features.find(schema_.extra[i]);
    out[extra_first_column_ + i] = it == s.features.end() ? kMissing : static_cast<float>(it->second);
  }
}

std::vector<float> FeatureEncoder::encode(const schema::SignalMsg& s) const {
  std::vector<float> out(names_.size());
  encode(s, out);
  return out;
}

}  // namespace bitten::ml

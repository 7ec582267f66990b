#include "bitten/ml/features.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "bitten/ml/dataset.hpp"

using namespace bitten;
using namespace bitten::ml;

namespace {

// 2024-01-03 (a Wednesday) 14:30 UTC.
constexpr int64_t kWed1430 = 1704292200LL * 1'000'000'000LL;

schema::SignalMsg signal(std::string pattern, std::string symbol, std::string session, std::string dir = "BUY") {
  schema::SignalMsg s;
  s.signal_id = "s";
  s.pattern = std::move(pattern);
  s.symbol = std::move(symbol);
  s.session = std::move(session);
  s.direction = std::move(dir);
  s.timeframe = "M5";
  s.bar_time_ns = kWed1430;
  s.atr_pips = 7.5;
  s.spread_pips = 0.8;
  s.confidence = 82;
  s.rr = 2;
  s.sl_pips = 12;
  s.features = {{"rsi", 31.5}};
  return s;
}

FeatureSchema small_schema() {
  std::vector<schema::SignalMsg> train = {signal("FVG", "EURUSD", "LONDON"), signal("OBB", "GBPUSD", "LONDON"),
                                          signal("FVG", "EURUSD", "TOKYO"), signal("FVG", "USDJPY", "LONDON")};
  return FeatureSchema::fit(train, {.extra = {"rsi", "vol_ratio"}, .min_category_count = 1});
}

}  // namespace

TEST(Features, UtcHourAndDayOfWeek) {
  EXPECT_EQ(utc_hour(kWed1430), 14);
  EXPECT_EQ(utc_day_of_week(kWed1430), 2);  // Monday = 0
  EXPECT_EQ(utc_day_of_week(0), 3);         // 1970-01-01 was a Thursday
  EXPECT_EQ(utc_hour(-1), 23);              // before the epoch still floors
}

TEST(Features, SchemaFitIsSortedAndLaysOutColumns) {
  const auto fs = small_schema();
  ASSERT_EQ(fs.categoricals.size(), 4u);
  EXPECT_EQ(fs.categoricals[0].values, (std::vector<std::string>{"FVG", "OBB"}));
  EXPECT_EQ(fs.categoricals[1].values, (std::vector<std::string>{"EURUSD", "GBPUSD", "USDJPY"}));
  EXPECT_EQ(fs.categoricals[2].values, (std::vector<std::string>{"LONDON", "TOKYO"}));
  const auto names = fs.names();
  EXPECT_EQ(names.size(), fs.size());
  EXPECT_EQ(names.size(), 8u + 3 + 4 + 3 + 2 + 2);
  EXPECT_EQ(names[0], "hour");
  EXPECT_EQ(names[8], "pattern=FVG");
  EXPECT_EQ(names[10], "pattern=__OTHER__");
  EXPECT_EQ(names.back(), "f.vol_ratio");
}

TEST(Features, RareCategoriesFoldIntoOther) {
  std::vector<schema::SignalMsg> train = {signal("FVG", "EURUSD", "LONDON"), signal("FVG", "EURUSD", "LONDON"),
                                          signal("OBB", "EURUSD", "LONDON")};
  const auto fs = FeatureSchema::fit(train, {.extra = {}, .min_category_count = 2});
  EXPECT_EQ(fs.categoricals[0].values, (std::vector<std::string>{"FVG"}));
}

TEST(Features, EncodesKnownValues) {
  const FeatureEncoder enc(small_schema());
  const auto v = enc.encode(signal("OBB", "USDJPY", "TOKYO", "SELL"));
  ASSERT_EQ(v.size(), enc.size());
  auto at = [&](const std::string& name) {
    for (size_t i = 0; i < enc.names().size(); ++i)
      if (enc.names()[i] == name) return v[i];
    ADD_FAILURE() << "no column " << name;
    return -1.0f;
  };
  EXPECT_EQ(at("hour"), 14);
  EXPECT_EQ(at("day_of_week"), 2);
  EXPECT_EQ(at("direction"), 0);
  EXPECT_FLOAT_EQ(at("atr_pips"), 7.5f);
  EXPECT_FLOAT_EQ(at("spread_pips"), 0.8f);
  EXPECT_EQ(at("confidence"), 82);
  EXPECT_EQ(at("rr"), 2);
  EXPECT_EQ(at("sl_pips"), 12);
  EXPECT_EQ(at("pattern=OBB"), 1);
  EXPECT_EQ(at("pattern=FVG"), 0);
  EXPECT_EQ(at("pattern=__OTHER__"), 0);
  EXPECT_EQ(at("symbol=USDJPY"), 1);
  EXPECT_EQ(at("session=TOKYO"), 1);
  EXPECT_EQ(at("timeframe=M5"), 1);
  EXPECT_FLOAT_EQ(at("f.rsi"), 31.5f);
  EXPECT_TRUE(std::isnan(at("f.vol_ratio")));  // not carried by the signal: missing
}

TEST(Features, UnseenCategoryMapsToOther) {
  const FeatureEncoder enc(small_schema());
  const auto v = enc.encode(signal("LSR", "XAUUSD", "NEW_YORK", "BUY"));
  float one_hot_sum_pattern = 0;
  for (size_t i = 0; i < enc.names().size(); ++i) {
    if (enc.names()[i].rfind("pattern=", 0) == 0) {
      one_hot_sum_pattern += v[i];
    }
    if (enc.names()[i] == "pattern=__OTHER__" || enc.names()[i] == "symbol=__OTHER__" ||
        enc.names()[i] == "session=__OTHER__") {
      EXPECT_EQ(v[i], 1) << enc.names()[i];
    }
  }
  EXPECT_EQ(one_hot_sum_pattern, 1);
  // A single-row batch gets the same codes as in training (the original's bug was per-batch codes).
  const auto again = enc.encode(signal("OBB", "EURUSD", "LONDON"));
  const auto in_batch = make_dataset(std::vector<LabelledSignal>{{signal("FVG", "EURUSD", "LONDON"), grading::Outcome::Win},
                                                                 {signal("OBB", "EURUSD", "LONDON"), grading::Outcome::Loss}},
                                     enc);
  const auto row = in_batch.data.row(1);
  ASSERT_EQ(row.size(), again.size());
  for (size_t i = 0; i < again.size(); ++i) {
    if (!std::isnan(again[i])) {
      EXPECT_EQ(row[i], again[i]) << enc.names()[i];
    }
  }
}

TEST(Features, SchemaJsonRoundTrip) {
  const auto fs = small_schema();
  auto back = FeatureSchema::from_json(fs.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, fs);
}

TEST(Features, SchemaJsonRefusesIncompatible) {
  auto j = small_schema().to_json();
  j["version"] = 99;
  EXPECT_EQ(FeatureSchema::from_json(j).error().code, "model_incompatible");
  j = small_schema().to_json();
  j["names"][3] = "something_else";
  EXPECT_EQ(FeatureSchema::from_json(j).error().code, "model_incompatible");
  j = small_schema().to_json();
  j["categoricals"][0]["field"] = "colour";
  EXPECT_EQ(FeatureSchema::from_json(j).error().code, "model_incompatible");
  j = small_schema().to_json();
  j.erase("extra");
  EXPECT_EQ(FeatureSchema::from_json(j).error().code, "metadata_invalid");
}

TEST(Features, DatasetExcludesTimeoutsAndSortsByTime) {
  const FeatureEncoder enc(small_schema());
  auto a = signal("FVG", "EURUSD", "LONDON");
  auto b = a, c = a, d = a;
  a.bar_time_ns = 300;
  b.bar_time_ns = 100;
  c.bar_time_ns = 200;
  d.bar_time_ns = 50;
  a.rr = 3;
  const auto built = make_dataset(std::vector<LabelledSignal>{{a, grading::Outcome::Win},
                                                              {b, grading::Outcome::Loss},
                                                              {c, grading::Outcome::Timeout},
                                                              {d, grading::Outcome::Pending}},
                                  enc);
  EXPECT_EQ(built.excluded_timeout, 1u);
  EXPECT_EQ(built.excluded_pending, 1u);
  ASSERT_EQ(built.data.rows(), 2u);
  EXPECT_EQ(built.data.time_ns, (std::vector<int64_t>{100, 300}));
  EXPECT_EQ(built.data.y, (std::vector<float>{0, 1}));
  EXPECT_EQ(built.data.rr, (std::vector<double>{2, 3}));
  const auto s = built.data.slice(1, 2);
  EXPECT_EQ(s.rows(), 1u);
  EXPECT_EQ(s.y[0], 1);
}

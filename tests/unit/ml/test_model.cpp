#include "bitten/ml/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "real_signals.hpp"

using namespace bitten;
using namespace bitten::ml;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    static int counter = 0;
    path = fs::temp_directory_path() / ("bitten_ml_" + std::string(info->name()) + "_" +
                                        std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary | std::ios::trunc) << s; }

// A small model trained on real-priced rows, shared by the tests of this file.
struct Trained {
  std::vector<LabelledSignal> rows;
  FeatureSchema schema;
  Dataset data;
};

const Trained& trained() {
  static const Trained t = [] {
    Trained t;
    t.rows = testdata::load_real_rows().rows;
    std::vector<schema::SignalMsg> signals;
    for (const auto& r : t.rows) signals.push_back(r.signal);
    t.schema = FeatureSchema::fit(signals, {.extra = {"bb_pos", "body_atr"}, .min_category_count = 1});
    t.data = make_dataset(t.rows, FeatureEncoder(t.schema)).data;
    return t;
  }();
  return t;
}

TrainParams small_params() {
  TrainParams p;
  p.rounds = 40;
  p.max_depth = 3;
  return p;
}

Model train_small() {
  auto m = Model::train(trained().data, trained().schema, small_params());
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  m->metadata().model_version = "test-1";
  m->metadata().created_ns = 1'700'000'000'000'000'000;
  m->metadata().threshold = 0.55;
  return std::move(m).value();
}

}  // namespace

TEST(Model, RealRowsAreLabelled) {
  const auto& t = trained();
  ASSERT_GT(t.data.rows(), 100u) << testdata::load_real_rows().description;
  size_t wins = 0;
  for (float v : t.data.y) wins += v > 0.5f;
  EXPECT_GT(wins, 0u);
  EXPECT_LT(wins, t.data.rows());
}

TEST(Model, SaveLoadGivesIdenticalProbabilities) {
  TempDir dir;
  Model m = train_small();
  auto before = m.predict(trained().data);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(m.save_dir(dir.path).ok());
  auto loaded = Model::load_dir(dir.path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto after = loaded->predict(trained().data);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(before->size(), after->size());
  for (size_t i = 0; i < before->size(); ++i) ASSERT_NEAR((*before)[i], (*after)[i], 1e-6) << i;
  // Metadata survives the round trip.
  const auto& meta = loaded->metadata();
  EXPECT_EQ(meta.model_version, "test-1");
  EXPECT_EQ(meta.created_ns, 1'700'000'000'000'000'000);
  EXPECT_DOUBLE_EQ(meta.threshold, 0.55);
  EXPECT_EQ(meta.features, trained().schema);
  EXPECT_EQ(meta.params.rounds, 40);
  EXPECT_EQ(meta.model_file, kModelFileName);
  EXPECT_EQ(meta.model_checksum.rfind("fnv1a64:", 0), 0u);
  EXPECT_FALSE(meta.xgboost_version.empty());
}

TEST(Model, TrainingVectorEqualsInferenceVector) {
  // The row make_dataset built for training and the row the loaded model builds at inference for the
  // same signal are bit-identical (NaN where missing), and score() equals predict_row() on it.
  TempDir dir;
  Model m = train_small();
  ASSERT_TRUE(m.save_dir(dir.path).ok());
  auto loaded = Model::load_dir(dir.path);
  ASSERT_TRUE(loaded.ok());
  const auto& t = trained();
  std::vector<LabelledSignal> graded;
  for (const auto& r : t.rows)
    if (r.outcome == grading::Outcome::Win || r.outcome == grading::Outcome::Loss) graded.push_back(r);
  std::stable_sort(graded.begin(), graded.end(),
                   [](const auto& a, const auto& b) { return a.signal.bar_time_ns < b.signal.bar_time_ns; });
  ASSERT_EQ(graded.size(), t.data.rows());
  for (size_t i = 0; i < graded.size(); i += 7) {
    const auto inference = loaded->encoder().encode(graded[i].signal);
    const auto training = t.data.row(i);
    ASSERT_EQ(inference.size(), training.size());
    for (size_t c = 0; c < inference.size(); ++c) {
      if (std::isnan(training[c])) {
        ASSERT_TRUE(std::isnan(inference[c]));
      } else {
        ASSERT_EQ(inference[c], training[c]) << "row " << i << " column " << loaded->encoder().names()[c];
      }
    }
    auto s = loaded->score(graded[i].signal);
    auto p = m.predict_row(training);
    ASSERT_TRUE(s.ok() && p.ok());
    EXPECT_NEAR(*s, *p, 1e-6);
  }
}

TEST(Model, FixedSeedIsDeterministic) {
  Model a = train_small();
  Model b = train_small();
  auto pa = a.predict(trained().data);
  auto pb = b.predict(trained().data);
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_EQ(*pa, *pb);
}

TEST(Model, BatchEqualsSingleAndThreadsAgree) {
  Model m = train_small();
  const auto& d = trained().data;
  const size_t n = std::min<size_t>(d.rows(), 200);
  auto batch = m.predict_batch(std::span<const float>(d.x).first(n * d.n_cols), n);
  ASSERT_TRUE(batch.ok());
  std::vector<double> t1(n), t2(n);
  auto worker = [&](std::vector<double>& out) {
    for (size_t i = 0; i < n; ++i) out[i] = m.predict_row(d.row(i)).value();
  };
  std::thread a(worker, std::ref(t1)), b(worker, std::ref(t2));
  a.join();
  b.join();
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR((*batch)[i], t1[i], 1e-6);
    EXPECT_EQ(t1[i], t2[i]);
  }
  EXPECT_FALSE(m.predict_row(std::vector<float>(3, 0.f)).ok());
}

TEST(Model, RefusesCorruptModelFile) {
  TempDir dir;
  Model m = train_small();
  ASSERT_TRUE(m.save_dir(dir.path).ok());
  const auto model_path = dir.path / kModelFileName;
  std::string bytes = slurp(model_path);
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x5a;
  spit(model_path, flipped);
  auto r = Model::load_dir(dir.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_corrupt");
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos);

  // Truncated, with the metadata "fixed" to match: XGBoost itself refuses it, still model_corrupt.
  const std::string truncated = bytes.substr(0, bytes.size() / 3);
  spit(model_path, truncated);
  auto meta = nlohmann::json::parse(slurp(dir.path / kMetadataFileName));
  meta["model_checksum"] = checksum_fnv1a64(truncated);
  spit(dir.path / kMetadataFileName, meta.dump());
  r = Model::load_dir(dir.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_corrupt");

  // Missing file.
  fs::remove(model_path);
  r = Model::load_dir(dir.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_io");
}

TEST(Model, RefusesMetadataFeatureMismatch) {
  TempDir dir;
  Model m = train_small();
  ASSERT_TRUE(m.save_dir(dir.path).ok());
  const auto meta_path = dir.path / kMetadataFileName;
  const auto original = nlohmann::json::parse(slurp(meta_path));

  // One more extra feature than the booster was trained with.
  auto j = original;
  j["features"]["extra"].push_back("rsi");
  j["features"].erase("names");
  spit(meta_path, j.dump());
  auto r = Model::load_dir(dir.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_mismatch");

  // Same count, different names (a code table edited): refused by the booster's stored names.
  j = original;
  j["features"]["categoricals"][1]["values"][0] = "GBPJPY";
  j["features"].erase("names");
  spit(meta_path, j.dump());
  r = Model::load_dir(dir.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_mismatch");
  EXPECT_NE(r.error().message.find("GBPJPY"), std::string::npos);

  // Unsupported metadata format, and non-JSON metadata.
  j = original;
  j["format"] = 2;
  spit(meta_path, j.dump());
  EXPECT_EQ(Model::load_dir(dir.path).error().code, "model_incompatible");
  spit(meta_path, "{not json");
  EXPECT_EQ(Model::load_dir(dir.path).error().code, "metadata_invalid");
}

TEST(Model, RefusesAModelFromAnotherPair) {
  TempDir a, b;
  Model m1 = train_small();
  TrainParams p = small_params();
  p.rounds = 10;
  auto m2 = Model::train(trained().data, trained().schema, p);
  ASSERT_TRUE(m2.ok());
  ASSERT_TRUE(m1.save_dir(a.path).ok());
  ASSERT_TRUE(m2->save_dir(b.path).ok());
  auto r = Model::load(b.path / kModelFileName, a.path / kMetadataFileName);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_corrupt");
}

TEST(Model, TrainRefusesSchemaMismatch) {
  Dataset d = trained().data.slice(0, 10);
  d.n_cols -= 1;
  d.x.resize(d.rows() * d.n_cols);
  auto r = Model::train(d, trained().schema, small_params());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "model_mismatch");
}

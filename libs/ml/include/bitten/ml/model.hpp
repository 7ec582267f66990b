#pragma once
// An XGBoost binary:logistic model (through the C API) and its metadata, always together.
//
// Files: the booster as XGBoost JSON (model.json) and a metadata JSON (metadata.json) that records
// the feature schema (names, one-hot code tables), training window, metrics, threshold, version and
// creation time, and the FNV-1a 64 checksum of the booster file. Model::load refuses a pair that does
// not belong together or does not fit this build: missing or unreadable files, a checksum mismatch
// (a corrupt or swapped model file), an unsupported metadata format or feature schema, a booster
// whose feature count or feature names differ from the metadata's schema.
//
// Prediction: one XGProxyDMatrix per thread (thread_local, reused), XGBoosterPredictFromDense with
// "cache_id":0 and "missing":NaN, booster nthread fixed at load (1 by default, the latency setting).
// A Model may be shared by several threads for prediction.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/ml/dataset.hpp"
#include "bitten/ml/features.hpp"
#include "bitten/schema/signal.hpp"

namespace bitten::ml {

inline constexpr int kMetadataFormat = 1;
inline constexpr const char* kModelFileName = "model.json";
inline constexpr const char* kMetadataFileName = "metadata.json";

struct TrainParams {
  int rounds = 200;
  int max_depth = 4;
  double eta = 0.05;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 5;
  double lambda = 1.0;
  uint64_t seed = 42;
  int nthread = 1;  // training threads

  nlohmann::json to_json() const;
  static Result<TrainParams> from_json(const nlohmann::json& j);
};

struct TimeWindow {
  int64_t from_ns = 0;  // first row's bar time
  int64_t to_ns = 0;    // last row's bar time
  size_t rows = 0;
};

struct ModelMetadata {
  int format = kMetadataFormat;
  std::string model_version;       // e.g. "20240101T000000Z-1a2b3c4d"
  int64_t created_ns = 0;          // event/job time supplied by the trainer (never read here)
  std::string objective = "binary:logistic";
  std::string xgboost_version;     // filled by train()
  FeatureSchema features;
  TrainParams params;
  TimeWindow train, validation, test;
  nlohmann::json metrics = nlohmann::json::object();  // free-form: validation/test metrics, calibration...
  double threshold = 0.5;          // accept when p >= threshold
  std::string model_file = kModelFileName;  // relative to the metadata file's folder
  std::string model_checksum;      // "fnv1a64:<16 hex>" of the model file, set by save()

  nlohmann::json to_json() const;
  static Result<ModelMetadata> from_json(const nlohmann::json& j);
};

// FNV-1a 64 of a byte string, as "fnv1a64:<16 hex digits>".
std::string checksum_fnv1a64(std::string_view bytes);

struct LoadOptions {
  int predict_nthread = 1;
};

class Model {
 public:
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  // Trains a booster on `train` (whose columns are schema's layout) with a fixed seed.
  static Result<Model> train(const Dataset& train, const FeatureSchema& schema, const TrainParams& params,
                             const LoadOptions& options = {});
  // model_path: the booster JSON; meta_path: the metadata JSON.
  static Result<Model> load(const std::filesystem::path& model_path, const std::filesystem::path& meta_path,
                            const LoadOptions& options = {});
  // dir/metadata.json, and the booster named by its model_file.
  static Result<Model> load_dir(const std::filesystem::path& dir, const LoadOptions& options = {});

  // Writes the booster, then the metadata with the booster's checksum and file name.
  Status save(const std::filesystem::path& model_path, const std::filesystem::path& meta_path);
  Status save_dir(const std::filesystem::path& dir);  // creates dir; model.json + metadata.json

  const ModelMetadata& metadata() const { return meta_; }
  ModelMetadata& metadata() { return meta_; }
  const FeatureEncoder& encoder() const { return *encoder_; }
  size_t num_features() const { return encoder_->size(); }

  // P(WIN) for one encoded row (num_features() floats).
  Result<double> predict_row(std::span<const float> row) const;
  // Encode + predict: the inference path (ml_filter).
  Result<double> score(const schema::SignalMsg& signal) const;
  // Row-major rows x num_features().
  Result<std::vector<double>> predict_batch(std::span<const float> rows_x, size_t n_rows) const;
  Result<std::vector<double>> predict(const Dataset& d) const;
  Result<std::vector<double>> score_batch(std::span<const schema::SignalMsg> signals) const;

 private:
  Model();
  struct Booster;
  std::unique_ptr<Booster> booster_;
  ModelMetadata meta_;
  std::unique_ptr<FeatureEncoder> encoder_;
};

}  // namespace bitten::ml

#include "bitten/ml/model.hpp"

#include <xgboost/c_api.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

namespace bitten::ml {

namespace {

Error xgb_error(const std::string& what) {
  const char* msg = XGBGetLastError();
  return make_error("xgboost", what + ": " + (msg ? msg : "unknown error"));
}

void quiet_library() {
  static std::once_flag once;
  std::call_once(once, [] { XGBSetGlobalConfig("{\"verbosity\":0}"); });
}

std::string library_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("model_io", "cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error("model_io", "cannot read " + path.string());
  return ss.str();
}

Status write_file(const std::filesystem::path& path, const std::string& bytes) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error("model_io", "cannot write " + tmp);
    out << bytes;
    out.flush();
    if (!out) return make_error("model_io", "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error("model_io", "cannot rename " + tmp + ": " + ec.message());
  return ok_status();
}

// One proxy DMatrix per thread, reused by every prediction of that thread (stack-notes §1.11).
struct ThreadProxy {
  DMatrixHandle handle = nullptr;
  ~ThreadProxy() {
    if (handle) XGDMatrixFree(handle);
  }
};

Result<DMatrixHandle> thread_proxy() {
  thread_local ThreadProxy proxy;
  if (!proxy.handle && XGProxyDMatrixCreate(&proxy.handle) != 0) return xgb_error("XGProxyDMatrixCreate");
  return proxy.handle;
}

constexpr const char* kPredictConfig =
    "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,"
    "\"cache_id\":0,\"missing\":NaN}";

}  // namespace

// ---------------------------------------------------------------- TrainParams / metadata JSON

nlohmann::json TrainParams::to_json() const {
  return {{"rounds", rounds},
          {"max_depth", max_depth},
          {"eta", eta},
          {"subsample", subsample},
          {"colsample_bytree", colsample_bytree},
          {"min_child_weight", min_child_weight},
          {"lambda", lambda},
          {"seed", seed},
          {"nthread", nthread},
          {"tree_method", "hist"}};
}

Result<TrainParams> TrainParams::from_json(const nlohmann::json& j) {
  try {
    TrainParams p;
    p.rounds = j.at("rounds").get<int>();
    p.max_depth = j.at("max_depth").get<int>();
    p.eta = j.at("eta").get<double>();
    p.subsample = j.at("subsample").get<double>();
    p.colsample_bytree = j.at("colsample_bytree").get<double>();
    p.min_child_weight = j.at("min_child_weight").get<double>();
    p.lambda = j.at("lambda").get<double>();
    p.seed = j.at("seed").get<uint64_t>();
    p.nthread = j.at("nthread").get<int>();
    return p;
  } catch (const nlohmann::json::exception& e) {
    return make_error("metadata_invalid", std::string("params: ") + e.what());
  }
}

namespace {
nlohmann::json window_json(const TimeWindow& w) { return {{"from_ns", w.from_ns}, {"to_ns", w.to_ns}, {"rows", w.rows}}; }
TimeWindow window_from(const nlohmann::json& j) {
  return {j.at("from_ns").get<int64_t>(), j.at("to_ns").get<int64_t>(), j.at("rows").get<size_t>()};
}
}  // namespace

nlohmann::json ModelMetadata::to_json() const {
  return {{"format", format},
          {"model_version", model_version},
          {"created_ns", created_ns},
          {"objective", objective},
          {"xgboost_version", xgboost_version},
          {"features", features.to_json()},
          {"params", params.to_json()},
          {"windows", {{"train", window_json(train)}, {"validation", window_json(validation)}, {"test", window_json(test)}}},
          {"metrics", metrics},
          {"threshold", threshold},
          {"model_file", model_file},
          {"model_checksum", model_checksum}};
}

Result<ModelMetadata> ModelMetadata::from_json(const nlohmann::json& j) {
  try {
    ModelMetadata m;
    m.format = j.at("format").get<int>();
    if (m.format != kMetadataFormat)
      return make_error("model_incompatible", "metadata format " + std::to_string(m.format) +
                                                  " is not supported (expected " + std::to_string(kMetadataFormat) + ")");
    m.model_version = j.at("model_version").get<std::string>();
    m.created_ns = j.at("created_ns").get<int64_t>();
    m.objective = j.at("objective").get<std::string>();
    if (m.objective != "binary:logistic")
      return make_error("model_incompatible", "objective '" + m.objective + "' is not binary:logistic");
    m.xgboost_version = j.at("xgboost_version").get<std::string>();
    auto fs = FeatureSchema::from_json(j.at("features"));
    if (!fs) return fs.error();
    m.features = std::move(*fs);
    auto params = TrainParams::from_json(j.at("params"));
    if (!params) return params.error();
    m.params = *params;
    const auto& w = j.at("windows");
    m.train = window_from(w.at("train"));
    m.validation = window_from(w.at("validation"));
    m.test = window_from(w.at("test"));
    m.metrics = j.at("metrics");
    m.threshold = j.at("threshold").get<double>();
    if (!(m.threshold >= 0 && m.threshold <= 1))
      return make_error("metadata_invalid", "threshold must be within [0, 1]");
    m.model_file = j.at("model_file").get<std::string>();
    m.model_checksum = j.at("model_checksum").get<std::string>();
    return m;
  } catch (const nlohmann::json::exception& e) {
    return make_error("metadata_invalid", e.what());
  }
}

std::string checksum_fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv1a64:%016" PRIx64, h);
  return buf;
}

// ---------------------------------------------------------------- Model

struct Model::Booster {
  BoosterHandle handle = nullptr;
  ~Booster() {
    if (handle) XGBoosterFree(handle);
  }
};

Model::Model() : booster_(std::make_unique<Booster>()) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

namespace {

Status set_param(BoosterHandle b, const char* key, const std::string& value) {
  if (XGBoosterSetParam(b, key, value.c_str()) != 0) return xgb_error(std::string("XGBoosterSetParam ") + key);
  return ok_status();
}

Status set_feature_names(BoosterHandle b, const std::vector<std::string>& names) {
  std::vector<const char*> ptrs;
  for (const auto& n : names) ptrs.push_back(n.c_str());
  if (XGBoosterSetStrFeatureInfo(b, "feature_name", ptrs.data(), ptrs.size()) != 0)
    return xgb_error("XGBoosterSetStrFeatureInfo");
  return ok_status();
}

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

Result<Model> Model::train(const Dataset& train, const FeatureSchema& schema, const TrainParams& params,
                           const LoadOptions& options) {
  quiet_library();
  if (train.n_cols != schema.size())
    return make_error("model_mismatch", "dataset has " + std::to_string(train.n_cols) + " columns, schema " +
                                            std::to_string(schema.size()));
  if (train.rows() == 0) return make_error("bad_dataset", "no training rows");
  DMatrixHandle dtrain = nullptr;
  if (XGDMatrixCreateFromMat(train.x.data(), train.rows(), train.n_cols, std::numeric_limits<float>::quiet_NaN(),
                             &dtrain) != 0)
    return xgb_error("XGDMatrixCreateFromMat");
  struct FreeDMatrix {
    DMatrixHandle h;
    ~FreeDMatrix() { XGDMatrixFree(h); }
  } guard{dtrain};
  if (XGDMatrixSetFloatInfo(dtrain, "label", train.y.data(), train.rows()) != 0) return xgb_error("set label");

  Model m;
  if (XGBoosterCreate(&dtrain, 1, &m.booster_->handle) != 0) return xgb_error("XGBoosterCreate");
  BoosterHandle b = m.booster_->handle;
  const std::pair<const char*, std::string> kv[] = {
      {"objective", "binary:logistic"},
      {"eval_metric", "logloss"},
      {"tree_method", "hist"},
      {"seed", std::to_string(params.seed)},
      {"nthread", std::to_string(params.nthread)},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", num(params.eta)},
      {"subsample", num(params.subsample)},
      {"colsample_bytree", num(params.colsample_bytree)},
      {"min_child_weight", num(params.min_child_weight)},
      {"lambda", num(params.lambda)},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : kv)
    if (auto st = set_param(b, k, v); !st) return st.error();
  if (auto st = set_feature_names(b, schema.names()); !st) return st.error();
  for (int it = 0; it < params.rounds; ++it)
    if (XGBoosterUpdateOneIter(b, it, dtrain) != 0) return xgb_error("XGBoosterUpdateOneIter");
  if (auto st = set_param(b, "nthread", std::to_string(options.predict_nthread)); !st) return st.error();

  m.meta_.features = schema;
  m.meta_.params = params;
  m.meta_.xgboost_version = library_version();
  m.meta_.train = {train.time_ns.front(), train.time_ns.back(), train.rows()};
  m.encoder_ = std::make_unique<FeatureEncoder>(schema);
  return m;
}

Status Model::save(const std::filesystem::path& model_path, const std::filesystem::path& meta_path) {
  // XGBoost picks the format from the extension; write to a temporary .json then rename.
  const auto tmp = model_path.string() + ".tmp.json";
  if (XGBoosterSaveModel(booster_->handle, tmp.c_str()) != 0) return xgb_error("XGBoosterSaveModel");
  auto bytes = read_file(tmp);
  if (!bytes) return bytes.error();
  std::error_code ec;
  std::filesystem::rename(tmp, model_path, ec);
  if (ec) return make_error("model_io", "cannot rename " + tmp + ": " + ec.message());
  meta_.model_checksum = checksum_fnv1a64(*bytes);
  meta_.model_file = model_path.filename().string();
  return write_file(meta_path, meta_.to_json().dump(2) + "\n");
}

Status Model::save_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error("model_io", "cannot create " + dir.string() + ": " + ec.message());
  return save(dir / kModelFileName, dir / kMetadataFileName);
}

Result<Model> Model::load(const std::filesystem::path& model_path, const std::filesystem::path& meta_path,
                          const LoadOptions& options) {
  quiet_library();
  auto meta_text = read_file(meta_path);
  if (!meta_text) return meta_text.error();
  nlohmann::json mj;
  try {
    mj = nlohmann::json::parse(*meta_text);
  } catch (const nlohmann::json::exception& e) {
    return make_error("metadata_invalid", meta_path.string() + ": " + e.what());
  }
  auto meta = ModelMetadata::from_json(mj);
  if (!meta) return make_error(meta.error().code, meta_path.string() + ": " + meta.error().message);

  auto bytes = read_file(model_path);
  if (!bytes) return bytes.error();
  const std::string sum = checksum_fnv1a64(*bytes);
  if (sum != meta->model_checksum)
    return make_error("model_corrupt", model_path.string() + " has checksum " + sum + " but the metadata expects " +
                                           meta->model_checksum + " (corrupt file, or not this metadata's model)");

  Model m;
  if (XGBoosterCreate(nullptr, 0, &m.booster_->handle) != 0) return xgb_error("XGBoosterCreate");
  BoosterHandle b = m.booster_->handle;
  if (XGBoosterLoadModelFromBuffer(b, bytes->data(), bytes->size()) != 0) {
    auto e = xgb_error("XGBoosterLoadModelFromBuffer");
    return make_error("model_corrupt", model_path.string() + ": " + e.message);
  }
  bst_ulong n_features = 0;
  if (XGBoosterGetNumFeature(b, &n_features) != 0) return xgb_error("XGBoosterGetNumFeature");
  const auto names = meta->features.names();
  if (n_features != names.size())
    return make_error("model_mismatch", "booster has " + std::to_string(n_features) + " features, metadata schema " +
                                            std::to_string(names.size()));
  bst_ulong n_names = 0;
  const char** stored = nullptr;
  if (XGBoosterGetStrFeatureInfo(b, "feature_name", &n_names, &stored) != 0)
    return xgb_error("XGBoosterGetStrFeatureInfo");
  if (n_names != names.size())
    return make_error("model_mismatch", "booster stores " + std::to_string(n_names) + " feature names, metadata " +
                                            std::to_string(names.size()));
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != stored[i])
      return make_error("model_mismatch", "feature " + std::to_string(i) + " is '" + stored[i] +
                                              "' in the booster but '" + names[i] + "' in the metadata");
  }
  if (auto st = set_param(b, "nthread", std::to_string(options.predict_nthread)); !st) return st.error();
  m.meta_ = std::move(*meta);
  m.encoder_ = std::make_unique<FeatureEncoder>(m.meta_.features);
  return m;
}

Result<Model> Model::load_dir(const std::filesystem::path& dir, const LoadOptions& options) {
  const auto meta_path = dir / kMetadataFileName;
  auto text = read_file(meta_path);
  if (!text) return text.error();
  std::string model_file;
  try {
    model_file = nlohmann::json::parse(*text).at("model_file").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return make_error("metadata_invalid", meta_path.string() + ": " + e.what());
  }
  if (model_file.empty() || model_file.find('/') != std::string::npos || model_file == "..")
    return make_error("metadata_invalid", "model_file must be a plain file name");
  return load(dir / model_file, meta_path, options);
}

Result<std::vector<double>> Model::predict_batch(std::span<const float> rows_x, size_t n_rows) const {
  const size_t cols = num_features();
  if (rows_x.size() != n_rows * cols)
    return make_error("model_mismatch", "expected " + std::to_string(n_rows * cols) + " floats, got " +
                                            std::to_string(rows_x.size()));
  std::vector<double> out;
  if (n_rows == 0) return out;
  auto proxy = thread_proxy();
  if (!proxy) return proxy.error();
  char array_interface[160];
  std::snprintf(array_interface, sizeof array_interface,
                "{\"data\":[%" PRIuPTR ",true],\"shape\":[%zu,%zu],\"typestr\":\"<f4\",\"version\":3}",
                reinterpret_cast<uintptr_t>(rows_x.data()), n_rows, cols);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(booster_->handle, array_interface, kPredictConfig, *proxy, &shape, &dim, &result) != 0)
    return xgb_error("XGBoosterPredictFromDense");
  out.assign(result, result + n_rows);
  return out;
}

Result<double> Model::predict_row(std::span<const float> row) const {
  auto r = predict_batch(row, 1);
  if (!r) return r.error();
  return r->front();
}

Result<double> Model::score(const schema::SignalMsg& signal) const {
  thread_local std::vector<float> buffer;
  buffer.resize(num_features());
  encoder_->encode(signal, buffer);
  return predict_row(buffer);
}

Result<std::vector<double>> Model::predict(const Dataset& d) const {
  if (d.n_cols != num_features())
    return make_error("model_mismatch", "dataset has " + std::to_string(d.n_cols) + " columns, model " +
                                            std::to_string(num_features()));
  return predict_batch(d.x, d.rows());
}

Result<std::vector<double>> Model::score_batch(std::span<const schema::SignalMsg> signals) const {
  const size_t cols = num_features();
  std::vector<float> x(signals.size() * cols);
  for (size_t i = 0; i < signals.size(); ++i) encoder_->encode(signals[i], std::span<float>(x.data() + i * cols, cols));
  return predict_batch(x, signals.size());
}

}  // namespace bitten::ml

#include "model_host.hpp"

#include <algorithm>
#include <system_error>

#include "bitten/store/database.hpp"
#include "bitten/store/model_repo.hpp"

namespace bitten::mlfilter {

namespace fs = std::filesystem;

namespace {
// Identifies the state of a model folder's files, so a refused model is retried only after a change.
std::string file_state(const fs::path& dir) {
  std::string key;
  for (const char* name : {ml::kModelFileName, ml::kMetadataFileName}) {
    std::error_code ec;
    const auto t = fs::last_write_time(dir / name, ec);
    const auto size = fs::file_size(dir / name, ec);
    key += ec ? std::string("-") : std::to_string(t.time_since_epoch().count()) + ":" + std::to_string(size);
    key += '|';
  }
  return key;
}
}  // namespace

ModelHost::ModelHost(ModelSource source, std::shared_ptr<spdlog::logger> log)
    : source_(std::move(source)), log_(std::move(log)) {}

ModelHost::~ModelHost() { stop(); }

void ModelHost::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ModelHost::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ModelHost::request_check() {
  {
    std::lock_guard lk(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

std::vector<ModelUpdate> ModelHost::take_updates() {
  std::lock_guard lk(mu_);
  has_updates_.store(false, std::memory_order_release);
  return std::exchange(updates_, {});
}

void ModelHost::release(const ml::Model* model) {
  if (!model) return;
  {
    std::lock_guard lk(mu_);
    released_.push_back(model);
  }
  cv_.notify_all();
}

void ModelHost::post(ModelUpdate u) {
  std::lock_guard lk(mu_);
  updates_.push_back(std::move(u));
  has_updates_.store(true, std::memory_order_release);
}

void ModelHost::free_released() {
  std::vector<const ml::Model*> done;
  {
    std::lock_guard lk(mu_);
    done.swap(released_);
  }
  for (const ml::Model* m : done) {
    auto it = std::find_if(owned_.begin(), owned_.end(), [m](const auto& p) { return p.get() == m; });
    if (it != owned_.end()) owned_.erase(it);  // ~Model on the thread that loaded it
  }
}

void ModelHost::run() {
  while (true) {
    free_released();
    check_registry();
    checks_.fetch_add(1, std::memory_order_acq_rel);
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(source_.poll_ms), [this] { return stop_ || wake_ || !released_.empty(); });
    if (stop_) break;
    wake_ = false;
  }
  // Models are destroyed here, on the thread that created them, before it exits.
  owned_.clear();
}

std::string ModelHost::keeps_serving() const {
  return served_version_.empty() ? "no model in service: the cold-start rule keeps scoring"
                                 : "the model in service keeps serving";
}

void ModelHost::check_registry() {
  auto report_registry = [&](const std::string& problem) {
    if (problem == registry_error_) return;
    registry_error_ = problem;
    log_->warn("model registry unavailable ({}): {}", source_.db_path, problem);
    post({ModelUpdate::Kind::RegistryError, nullptr, "", problem});
  };
  // One short-lived connection per check keeps no lock or file handle between polls.
  auto db = store::Database::open({source_.db_path});
  if (!db) return report_registry(db.error().code + ": " + db.error().message);
  store::ModelRepo repo(*db);
  auto cur = repo.current();
  if (!cur) return report_registry(cur.error().code + ": " + cur.error().message);
  registry_error_.clear();
  if (!*cur) return;  // no model promoted yet: cold start continues
  const store::ModelRecord& rec = **cur;
  if (rec.version == served_version_) return;

  std::error_code ec;
  fs::path dir = rec.path;
  if (rec.path.empty() || !fs::is_directory(dir, ec)) dir = fs::path(source_.models_dir) / rec.version;
  const std::string key = rec.version + "@" + file_state(dir);
  if (key == refused_key_) return;

  auto model = ml::Model::load_dir(dir);
  if (!model) {
    refused_key_ = key;
    std::string detail = model.error().code + ": " + model.error().message;
    // One log line per refusal: XGBoost's parser messages span several lines.
    std::replace(detail.begin(), detail.end(), '\n', ' ');
    log_->error("refusing model {} from {}: {} ({})", rec.version, dir.string(), detail, keeps_serving());
    post({ModelUpdate::Kind::Refused, nullptr, rec.version, detail});
    return;
  }
  if (model->metadata().model_version != rec.version) {
    refused_key_ = key;
    const std::string detail = "model_mismatch: metadata says version " + model->metadata().model_version;
    log_->error("refusing model {} from {}: {} ({})", rec.version, dir.string(), detail, keeps_serving());
    post({ModelUpdate::Kind::Refused, nullptr, rec.version, detail});
    return;  // the Model is destroyed here, on this thread
  }
  refused_key_.clear();
  owned_.push_back(std::make_unique<ml::Model>(std::move(*model)));
  served_version_ = rec.version;
  log_->info("loaded model {} from {} (threshold {:.2f}, {} features)", rec.version, dir.string(),
             owned_.back()->metadata().threshold, owned_.back()->num_features());
  post({ModelUpdate::Kind::Loaded, owned_.back().get(), rec.version, dir.string()});
}

}  // namespace bitten::mlfilter

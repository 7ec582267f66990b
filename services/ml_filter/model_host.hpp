#pragma once
// The model's owner thread. XGBoost 1.7 ties a booster to the thread that created it (docs/ml.md
// §Lifetime): a booster must be freed before that thread exits, never from a static. So ml_filter
// loads every model on this one long-lived thread, hands the scoring thread a plain pointer, and
// frees a model only after the scoring thread has handed it back (release()). The host's thread
// lives as long as the daemon and destroys whatever it still owns just before it exits.
//
// What it loads: the registry's current model (store::ModelRepo::current, own connection on this
// thread), from the record's path or <models_dir>/<version>/ (model.json + metadata.json, checked by
// ml::Model::load_dir). A refused model (corrupt, incompatible, missing) is reported once per file
// state (not retried until model.json or metadata.json changes) and the scoring thread keeps the
// model it has.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <spdlog/spdlog.h>
#include <string>
#include <thread>
#include <vector>

#include "bitten/ml/model.hpp"

namespace bitten::mlfilter {

struct ModelSource {
  std::string db_path;     // registry; opened on the host's thread
  std::string models_dir;  // <models_dir>/<version>/ when the record's path is not a folder
  int64_t poll_ms = 2000;
};

struct ModelUpdate {
  enum class Kind { Loaded, Refused, RegistryError };
  Kind kind = Kind::Loaded;
  const ml::Model* model = nullptr;  // Loaded: owned by the host until released
  std::string version;
  std::string detail;  // Refused / RegistryError: "<code>: <message>"
};

class ModelHost {
 public:
  ModelHost(ModelSource source, std::shared_ptr<spdlog::logger> log);
  ~ModelHost();  // stop()
  ModelHost(const ModelHost&) = delete;
  ModelHost& operator=(const ModelHost&) = delete;

  void start();
  // Joins the thread, which frees every model it owns. Call only after the scoring thread has
  // stopped using the pointers it was given.
  void stop();
  // Look at the registry now instead of at the next poll.
  void request_check();

  // --- scoring thread ---
  // Cheap check (one atomic load) whether take_updates() has something.
  bool has_updates() const { return has_updates_.load(std::memory_order_acquire); }
  std::vector<ModelUpdate> take_updates();
  // Hands back a model the scoring thread no longer uses; the host frees it on its own thread.
  void release(const ml::Model* model);

  // Number of checks completed (tests wait on it).
  uint64_t checks() const { return checks_.load(std::memory_order_acquire); }

 private:
  void run();
  void check_registry();
  std::string keeps_serving() const;  // what serves while a refused model is not loaded
  void post(ModelUpdate u);
  void free_released();

  ModelSource source_;
  std::shared_ptr<spdlog::logger> log_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::vector<ModelUpdate> updates_;
  std::vector<const ml::Model*> released_;
  std::atomic<bool> has_updates_{false};
  std::atomic<uint64_t> checks_{0};

  // Host thread only.
  std::vector<std::unique_ptr<ml::Model>> owned_;
  std::string served_version_;  // last version handed to the scoring thread
  std::string refused_key_;     // version + file times of the last refused load
  std::string registry_error_;  // last registry problem reported (reported once until it changes)
};

}  // namespace bitten::mlfilter

#pragma once
// models: the registry ml_trainer writes and the admin promotes / rolls back. At most one model is
// current (a partial unique index enforces it).
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

class ModelRepo {
 public:
  explicit ModelRepo(Database& db) : db_(db) {}

  Status add(const ModelRecord& m);  // registered, not promoted
  Result<std::optional<ModelRecord>> get(const std::string& version);
  Result<std::optional<ModelRecord>> current();
  Result<std::vector<ModelRecord>> list_all();  // newest first
  // Makes `version` the current model (error "model_not_found").
  Status promote(const std::string& version, int64_t now_ns);
  // Takes the current model out of service and restores the most recently promoted one that has not
  // been rolled back. Returns the restored version (error "no_previous_model").
  Result<std::string> rollback(int64_t now_ns);

 private:
  Database& db_;
};

}  // namespace bitten::store

#pragma once
// Strict configuration reading: every key must be known, every problem is collected, and all of
// them are reported together by finish(), so an operator fixes a config file in one pass.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::runtime {

class ConfigReader {
 public:
  static Result<ConfigReader> from_file(const std::string& path);
  static Result<ConfigReader> from_text(std::string_view text, const std::string& origin = "<text>");
  explicit ConfigReader(nlohmann::json root, std::string origin = "<json>");

  // Optional value with a default; a wrong type is an error (reported by finish()).
  template <class T>
  T get(const std::string& key, T fallback);
  // Required value; missing or wrong type is an error and the fallback T{} is returned.
  template <class T>
  T require(const std::string& key);
  bool has(const std::string& key) const;
  // A nested object (missing → empty section, unless required).
  ConfigReader section(const std::string& key, bool required = false);
  // Raw access for free-form maps (e.g. per-symbol tables). Marks the key as used.
  nlohmann::json raw(const std::string& key);

  // Records a validation problem found by the caller (e.g. a value out of range).
  void fail(const std::string& key, const std::string& problem);

  // Unknown keys in every section read so far, plus every recorded problem. Call once at the end.
  Status finish() const;
  const std::string& origin() const;

 private:
  struct Section {
    std::string path;  // "a.b"
    const nlohmann::json* node;
    std::set<std::string> used;
  };
  struct State {
    nlohmann::json root;
    std::string origin;
    std::vector<std::unique_ptr<Section>> sections;
    std::vector<std::string> errors;
  };
  ConfigReader(std::shared_ptr<State> s, size_t idx) : state_(std::move(s)), idx_(idx) {}
  Section& sec() const { return *state_->sections[idx_]; }
  std::string where(const std::string& key) const;
  const nlohmann::json* lookup(const std::string& key);

  std::shared_ptr<State> state_;
  size_t idx_ = 0;
};

template <class T>
T ConfigReader::get(const std::string& key, T fallback) {
  const nlohmann::json* v = lookup(key);
  if (!v) return fallback;
  try {
    if constexpr (std::is_same_v<T, bool>) {
      if (!v->is_boolean()) throw std::runtime_error("expected a boolean");
    } else if constexpr (std::is_integral_v<T>) {
      if (!v->is_number_integer()) throw std::runtime_error("expected an integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v->is_number()) throw std::runtime_error("expected a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v->is_string()) throw std::runtime_error("expected a string");
    }
    return v->get<T>();
  } catch (const std::exception& e) {
    state_->errors.push_back(where(key) + ": " + e.what());
    return fallback;
  }
}

template <class T>
T ConfigReader::require(const std::string& key) {
  if (!has(key)) {
    state_->errors.push_back(where(key) + ": required key is missing");
    return T{};
  }
  return get<T>(key, T{});
}

}  // namespace bitten::runtime

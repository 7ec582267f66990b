#pragma once
// Small helpers for reading typed fields out of a message's data object with clear error codes.
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

// Collects the first problem found while reading fields; callers check ok() once at the end.
class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& obj) : obj_(obj) {
    if (!obj_.is_object()) err_ = make_error("bad_data", "data is not an object");
  }
  std::string str(const char* key) {
    auto* v = find(key);
    if (!v) return {};
    if (!v->is_string()) return bad(key), std::string{};
    return v->get<std::string>();
  }
  std::optional<std::string> opt_str(const char* key) {
    if (!obj_.is_object() || !obj_.contains(key) || obj_[key].is_null()) return std::nullopt;
    return str(key);
  }
  double num(const char* key) {
    auto* v = find(key);
    if (!v) return 0;
    if (!v->is_number()) return bad(key), 0.0;
    double d = v->get<double>();
    if (!std::isfinite(d)) return bad(key), 0.0;
    return d;
  }
  std::optional<double> opt_num(const char* key) {
    if (!obj_.is_object() || !obj_.contains(key) || obj_[key].is_null()) return std::nullopt;
    return num(key);
  }
  int64_t i64(const char* key) {
    auto* v = find(key);
    if (!v) return 0;
    if (!v->is_number_integer()) return bad(key), int64_t{0};
    return v->get<int64_t>();
  }
  bool boolean(const char* key) {
    auto* v = find(key);
    if (!v) return false;
    if (!v->is_boolean()) return bad(key), false;
    return v->get<bool>();
  }
  const nlohmann::json& object(const char* key) {
    static const nlohmann::json empty = nlohmann::json::object();
    auto* v = find(key);
    if (!v) return empty;
    if (!v->is_object()) return bad(key), empty;
    return *v;
  }
  bool ok() const { return !err_; }
  Error error() const { return err_ ? *err_ : Error{}; }

 private:
  const nlohmann::json* find(const char* key) {
    if (err_) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      err_ = make_error(std::string("missing_field:") + key, std::string("missing field '") + key + "'");
      return nullptr;
    }
    return &*it;
  }
  void bad(const char* key) {
    if (!err_) err_ = make_error(std::string("wrong_type:") + key, std::string("field '") + key + "' has the wrong type");
  }
  const nlohmann::json& obj_;
  std::optional<Error> err_;
};

}  // namespace bitten::schema

#pragma once
// Response builders shared by the handler files.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "http_message.hpp"

namespace bitten::webapp {

inline Response json_response(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  // Strings can carry request bytes (an echoed query value, a path id in an error message) that
  // are not UTF-8: replace them (U+FFFD) instead of throwing out of the handler.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

inline Response error_response(int status, const std::string& code, const std::string& message = "") {
  nlohmann::json j = {{"error", code}};
  if (!message.empty()) j["message"] = message;
  return json_response(status, j);
}

// Integer query parameter clamped to [lo, hi]; fallback when absent or malformed.
inline int query_int(const std::map<std::string, std::string>& q, const std::string& key, int fallback, int lo, int hi) {
  auto it = q.find(key);
  if (it == q.end()) return fallback;
  try {
    size_t used = 0;
    long v = std::stol(it->second, &used);
    if (used != it->second.size()) return fallback;
    return static_cast<int>(std::clamp<long>(v, lo, hi));
  } catch (...) {
    return fallback;
  }
}

}  // namespace bitten::webapp

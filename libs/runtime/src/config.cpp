#include "bitten/runtime/config.hpp"

#include <fstream>
#include <sstream>

namespace bitten::runtime {

ConfigReader::ConfigReader(nlohmann::json root, std::string origin) : state_(std::make_shared<State>()) {
  state_->root = std::move(root);
  state_->origin = std::move(origin);
  if (!state_->root.is_object()) state_->errors.push_back(state_->origin + ": the top level must be an object");
  static const nlohmann::json empty = nlohmann::json::object();
  state_->sections.push_back(std::make_unique<Section>(
      Section{"", state_->root.is_object() ? &state_->root : &empty, {}}));
}

Result<ConfigReader> ConfigReader::from_text(std::string_view text, const std::string& origin) {
  auto j = nlohmann::json::parse(text, nullptr, false, /*ignore_comments=*/true);
  if (j.is_discarded()) return make_error("bad_config", origin + ": not valid JSON");
  return ConfigReader(std::move(j), origin);
}

Result<ConfigReader> ConfigReader::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("bad_config", path + ": cannot be opened");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    auto j = nlohmann::json::parse(ss.str(), nullptr, true, true);
    return ConfigReader(std::move(j), path);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error("bad_config", path + ": not valid JSON: " + e.what());
  }
}

std::string ConfigReader::where(const std::string& key) const {
  const auto& p = sec().path;
  return state_->origin + ": " + (p.empty() ? key : p + "." + key);
}

const nlohmann::json* ConfigReader::lookup(const std::string& key) {
  auto& s = sec();
  s.used.insert(key);
  auto it = s.node->find(key);
  return it == s.node->end() ? nullptr : &*it;
}

bool ConfigReader::has(const std::string& key) const { return sec().node->contains(key); }

ConfigReader ConfigReader::section(const std::string& key, bool required) {
  static const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* v = lookup(key);
  const std::string path = sec().path.empty() ? key : sec().path + "." + key;
  if (!v) {
    if (required) state_->errors.push_back(where(key) + ": required section is missing");
    v = &empty;
  } else if (!v->is_object()) {
    state_->errors.push_back(where(key) + ": expected an object");
    v = &empty;
  }
  state_->sections.push_back(std::make_unique<Section>(Section{path, v, {}}));
  return ConfigReader(state_, state_->sections.size() - 1);
}

nlohmann::json ConfigReader::raw(const std::string& key) {
  const nlohmann::json* v = lookup(key);
  return v ? *v : nlohmann::json();
}

void ConfigReader::fail(const std::string& key, const std::string& problem) {
  state_->errors.push_back(where(key) + ": " + problem);
}

const std::string& ConfigReader::origin() const { return state_->origin; }

Status ConfigReader::finish() const {
  std::vector<std::string> all = state_->errors;
  for (const auto& s : state_->sections) {
    for (auto it = s->node->begin(); it != s->node->end(); ++it) {
      if (!s->used.count(it.key()))
        all.push_back(state_->origin + ": " + (s->path.empty() ? it.key() : s->path + "." + it.key()) +
                      ": unknown key");
    }
  }
  if (all.empty()) return ok_status();
  std::string msg = std::to_string(all.size()) + " configuration problem(s):";
  for (const auto& e : all) msg += "\n  - " + e;
  return make_error("bad_config", msg);
}

}  // namespace bitten::runtime

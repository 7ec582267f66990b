#include "bitten/core/symbols.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace bitten {

double SymbolSpec::round_price(double price) const {
  const double scale = std::pow(10.0, digits);
  return std::round(price * scale) / scale;
}

double SymbolSpec::normalize_volume_down(double lots) const {
  if (!(lots > 0) || volume_step <= 0) return 0.0;
  // Small epsilon so that 0.3 / 0.01 = 29.999999 still counts as 30 steps.
  double steps = std::floor(lots / volume_step + 1e-9);
  double v = steps * volume_step;
  if (v > volume_max) v = std::floor(volume_max / volume_step + 1e-9) * volume_step;
  if (v + 1e-12 < volume_min) return 0.0;
  // Remove binary noise: round to the step's decimals.
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(volume_step) - 1e-9)));
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

Result<SymbolTable> SymbolTable::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("io", "cannot open symbol file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse(ss.str());
  if (!r) return make_error(r.error().code, path + ": " + r.error().message);
  return r;
}

Result<SymbolTable> SymbolTable::parse(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("symbols") || !j["symbols"].is_object())
    return make_error("bad_config", "expected {\"symbols\":{NAME:{...}}}");
  static const std::set<std::string> known = {"base",        "quote",       "digits",     "pip_size",
                                              "contract_size", "volume_min", "volume_step", "volume_max"};
  std::vector<std::string> errors;
  SymbolTable t;
  for (auto& [name, v] : j["symbols"].items()) {
    if (!v.is_object()) {
      errors.push_back(name + ": not an object");
      continue;
    }
    for (auto& [k, _] : v.items())
      if (!known.count(k)) errors.push_back(name + ": unknown key '" + k + "'");
    SymbolSpec s;
    s.name = name;
    try {
      s.base = v.at("base").get<std::string>();
      s.quote = v.at("quote").get<std::string>();
      s.digits = v.at("digits").get<int>();
      s.point = std::pow(10.0, -s.digits);
      s.pip_size = v.at("pip_size").get<double>();
      s.contract_size = v.at("contract_size").get<double>();
      s.volume_min = v.value("volume_min", 0.01);
      s.volume_step = v.value("volume_step", 0.01);
      s.volume_max = v.value("volume_max", 100.0);
    } catch (const nlohmann::json::exception& e) {
      errors.push_back(name + ": " + e.what());
      continue;
    }
    if (s.digits < 0 || s.digits > 8) errors.push_back(name + ": digits out of range");
    if (!(s.pip_size > 0) || s.pip_size < s.point) errors.push_back(name + ": pip_size must be >= point");
    if (!(s.contract_size > 0)) errors.push_back(name + ": contract_size must be > 0");
    if (!(s.volume_step > 0) || !(s.volume_min > 0) || s.volume_max < s.volume_min)
      errors.push_back(name + ": bad volume limits");
    t.names_.push_back(name);
    t.specs_.emplace(name, std::move(s));
  }
  if (!errors.empty()) {
    std::string all;
    for (auto& e : errors) all += (all.empty() ? "" : "; ") + e;
    return make_error("bad_config", all);
  }
  return t;
}

const SymbolSpec* SymbolTable::find(std::string_view name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::optional<double> SymbolTable::pip_value_per_lot(std::string_view symbol, std::string_view account,
                                                     const QuoteLookup& quotes) const {
  const SymbolSpec* s = find(symbol);
  if (!s) return std::nullopt;
  const double in_quote = s->pip_size * s->contract_size;
  if (s->quote == account) return in_quote;
  // Quote currency -> account currency: QUOTEACC (multiply) or ACCQUOTE (divide).
  if (quotes) {
    if (auto p = quotes(s->quote + std::string(account)); p && *p > 0) return in_quote * *p;
    if (auto p = quotes(std::string(account) + s->quote); p && *p > 0) return in_quote / *p;
  }
  return std::nullopt;
}

}  // namespace bitten

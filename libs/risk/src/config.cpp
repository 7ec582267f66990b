#include "bitten/risk/config.hpp"

#include "bitten/runtime/config.hpp"

namespace bitten::risk {

const TierLimits* RiskConfig::tier(std::string_view name) const {
  auto it = tiers.find(name);
  return it == tiers.end() ? nullptr : &it->second;
}

double RiskConfig::max_spread_pips(std::string_view symbol) const {
  auto it = spread_max_pips.find(symbol);
  return it == spread_max_pips.end() ? spread_default_max_pips : it->second;
}

namespace {

Result<RiskConfig> read(runtime::ConfigReader cfg) {
  RiskConfig out;
  const nlohmann::json tiers_json = cfg.raw("tiers");
  if (!tiers_json.is_object() || tiers_json.empty()) {
    cfg.fail("tiers", "required: an object of tier name -> limits");
  } else {
    auto tiers = cfg.section("tiers", true);
    for (auto it = tiers_json.begin(); it != tiers_json.end(); ++it) {
      auto t = tiers.section(it.key(), true);
      TierLimits l;
      l.name = it.key();
      l.slots = t.require<int>("slots");
      l.risk_pct = t.require<double>("risk_pct");
      l.max_lot = t.require<double>("max_lot");
      l.can_manual = t.require<bool>("can_manual");
      l.can_auto = t.require<bool>("can_auto");
      l.max_trades_per_day = t.require<int>("max_trades_per_day");
      l.daily_loss_pct = t.require<double>("daily_loss_pct");
      const nlohmann::json classes = t.raw("classes");
      if (!classes.is_array()) {
        t.fail("classes", "required: an array of signal classes");
      } else {
        for (const auto& c : classes) {
          if (!c.is_string() || (c != "RAPID" && c != "SNIPER"))
            t.fail("classes", "unknown signal class " + c.dump());
          else
            l.classes.insert(c.get<std::string>());
        }
      }
      if (l.slots < 0) t.fail("slots", "must be >= 0");
      if (l.risk_pct < 0 || l.risk_pct > 10) t.fail("risk_pct", "must be within [0, 10]");
      if (l.max_lot < 0) t.fail("max_lot", "must be >= 0");
      if (l.max_trades_per_day < 0) t.fail("max_trades_per_day", "must be >= 0");
      if (l.daily_loss_pct < 0 || l.daily_loss_pct > 100) t.fail("daily_loss_pct", "must be within [0, 100]");
      if (!l.read_only()) {
        if (l.slots < 1) t.fail("slots", "a tier that can fire needs at least one slot");
        if (!(l.risk_pct > 0)) t.fail("risk_pct", "a tier that can fire needs risk_pct > 0");
        if (!(l.max_lot > 0)) t.fail("max_lot", "a tier that can fire needs max_lot > 0");
        if (l.max_trades_per_day < 1) t.fail("max_trades_per_day", "a tier that can fire needs >= 1");
        if (!(l.daily_loss_pct > 0)) t.fail("daily_loss_pct", "a tier that can fire needs daily_loss_pct > 0");
        if (l.classes.empty()) t.fail("classes", "a tier that can fire needs at least one class");
      }
      out.tiers.emplace(l.name, std::move(l));
    }
  }

  auto spread = cfg.section("spread", true);
  out.spread_default_max_pips = spread.require<double>("default_max_pips");
  out.spread_max_atr_fraction = spread.get<double>("max_atr_fraction", 0.0);
  if (!(out.spread_default_max_pips > 0)) spread.fail("default_max_pips", "must be > 0");
  if (out.spread_max_atr_fraction < 0) spread.fail("max_atr_fraction", "must be >= 0");
  const nlohmann::json per_symbol = spread.raw("max_pips");
  if (!per_symbol.is_null()) {
    if (!per_symbol.is_object()) {
      spread.fail("max_pips", "must be an object of symbol -> pips");
    } else {
      for (auto it = per_symbol.begin(); it != per_symbol.end(); ++it) {
        if (!it->is_number() || !(it->get<double>() > 0))
          spread.fail("max_pips." + it.key(), "must be a number > 0");
        else
          out.spread_max_pips.emplace(it.key(), it->get<double>());
      }
    }
  }

  out.ea_ttl_s = cfg.require<int64_t>("ea_ttl_s");
  out.mission_expiry_s = cfg.require<int64_t>("mission_expiry_s");
  out.quote_max_age_s = cfg.require<int64_t>("quote_max_age_s");
  if (out.ea_ttl_s < 1) cfg.fail("ea_ttl_s", "must be >= 1");
  if (out.mission_expiry_s < 1) cfg.fail("mission_expiry_s", "must be >= 1");
  if (out.quote_max_age_s < 1) cfg.fail("quote_max_age_s", "must be >= 1");

  auto af = cfg.section("auto_fire", true);
  out.auto_min_probability = af.require<double>("min_probability");
  out.auto_allow_cold_start = af.require<bool>("allow_cold_start");
  out.auto_cold_start_min_confidence = af.get<double>("cold_start_min_confidence", 80.0);
  if (out.auto_min_probability < 0 || out.auto_min_probability > 1) af.fail("min_probability", "must be within [0, 1]");
  if (out.auto_cold_start_min_confidence < 0 || out.auto_cold_start_min_confidence > 100)
    af.fail("cold_start_min_confidence", "must be within [0, 100]");

  auto done = cfg.finish();
  if (!done) return done.error();
  return out;
}

}  // namespace

Result<RiskConfig> parse_risk_config(std::string_view text, const std::string& origin) {
  auto r = runtime::ConfigReader::from_text(text, origin);
  if (!r) return r.error();
  return read(std::move(r).value());
}

Result<RiskConfig> load_risk_config(const std::string& path) {
  auto r = runtime::ConfigReader::from_file(path);
  if (!r) return r.error();
  return read(std::move(r).value());
}

}  // namespace bitten::risk

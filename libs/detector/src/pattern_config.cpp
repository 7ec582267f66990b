#include "bitten/detector/pattern_config.hpp"

#include <filesystem>

namespace bitten::detector {

using patterns::PatternId;
using runtime::ConfigReader;

namespace {

void positive(ConfigReader& c, const std::string& key, double v) {
  if (!(v > 0)) c.fail(key, "must be > 0");
}

void read_risk(ConfigReader& c, patterns::RiskParams& r) {
  r.rr = c.get<double>("rr", r.rr);
  r.sl_atr_min = c.get<double>("sl_atr_min", r.sl_atr_min);
  r.sl_atr_max = c.get<double>("sl_atr_max", r.sl_atr_max);
  r.sl_buffer_atr = c.get<double>("sl_buffer_atr", r.sl_buffer_atr);
  r.min_confidence = c.get<double>("min_confidence", r.min_confidence);
  if (r.rr < 1.0) c.fail("rr", "risk:reward must be at least 1 (TP never smaller than SL)");
  positive(c, "sl_atr_min", r.sl_atr_min);
  if (r.sl_atr_max < r.sl_atr_min) c.fail("sl_atr_max", "must be >= sl_atr_min");
  if (r.sl_buffer_atr < 0) c.fail("sl_buffer_atr", "must be >= 0");
  if (r.min_confidence < 0 || r.min_confidence > 100) c.fail("min_confidence", "must be in [0, 100]");
}

void ratio(ConfigReader& c, const std::string& key, double v) {
  if (!(v >= 0 && v < 1)) c.fail(key, "must be in [0, 1)");
}

}  // namespace

patterns::PatternSetParams read_pattern_params(ConfigReader& cfg) {
  patterns::PatternSetParams p;
  {
    auto c = cfg.section("indicators");
    auto& i = p.indicators;
    i.atr_period = c.get<int>("atr_period", i.atr_period);
    i.bb_period = c.get<int>("bb_period", i.bb_period);
    i.bb_k = c.get<double>("bb_k", i.bb_k);
    i.kc_period = c.get<int>("kc_period", i.kc_period);
    i.kc_k = c.get<double>("kc_k", i.kc_k);
    i.rsi_period = c.get<int>("rsi_period", i.rsi_period);
    i.trend_ema_period = c.get<int>("trend_ema_period", i.trend_ema_period);
    i.swing_length = c.get<int>("swing_length", i.swing_length);
    i.history = c.get<int>("history", i.history);
    for (auto [k, v] : {std::pair{"atr_period", i.atr_period}, {"bb_period", i.bb_period}, {"kc_period", i.kc_period},
                        {"rsi_period", i.rsi_period}, {"trend_ema_period", i.trend_ema_period},
                        {"swing_length", i.swing_length}})
      if (v < 1) c.fail(k, "must be >= 1");
    positive(c, "bb_k", i.bb_k);
    positive(c, "kc_k", i.kc_k);
  }
  {
    auto c = cfg.section("lsr");
    auto& l = p.lsr;
    read_risk(c, l.risk);
    l.max_swing_age = c.get<int>("max_swing_age", l.max_swing_age);
    l.sweep_min_atr = c.get<double>("sweep_min_atr", l.sweep_min_atr);
    l.sweep_max_atr = c.get<double>("sweep_max_atr", l.sweep_max_atr);
    l.wick_min_ratio = c.get<double>("wick_min_ratio", l.wick_min_ratio);
    l.min_range_atr = c.get<double>("min_range_atr", l.min_range_atr);
    if (l.max_swing_age < 1) c.fail("max_swing_age", "must be >= 1");
    if (l.sweep_max_atr <= l.sweep_min_atr) c.fail("sweep_max_atr", "must be > sweep_min_atr");
    ratio(c, "wick_min_ratio", l.wick_min_ratio);
  }
  {
    auto c = cfg.section("obb");
    auto& o = p.obb;
    read_risk(c, o.risk);
    o.ob_lookback = c.get<int>("ob_lookback", o.ob_lookback);
    o.disp_body_atr = c.get<double>("disp_body_atr", o.disp_body_atr);
    o.max_age = c.get<int>("max_age", o.max_age);
    o.min_bars_after = c.get<int>("min_bars_after", o.min_bars_after);
    o.wick_min_ratio = c.get<double>("wick_min_ratio", o.wick_min_ratio);
    if (o.ob_lookback < 1) c.fail("ob_lookback", "must be >= 1");
    positive(c, "disp_body_atr", o.disp_body_atr);
    if (o.max_age < 1) c.fail("max_age", "must be >= 1");
    if (o.min_bars_after < 1) c.fail("min_bars_after", "must be >= 1");
    ratio(c, "wick_min_ratio", o.wick_min_ratio);
  }
  {
    auto c = cfg.section("fvg");
    auto& f = p.fvg;
    read_risk(c, f.risk);
    f.min_gap_atr = c.get<double>("min_gap_atr", f.min_gap_atr);
    f.max_age = c.get<int>("max_age", f.max_age);
    f.close_pos_min = c.get<double>("close_pos_min", f.close_pos_min);
    positive(c, "min_gap_atr", f.min_gap_atr);
    if (f.max_age < 2) c.fail("max_age", "must be >= 2");
    ratio(c, "close_pos_min", f.close_pos_min);
  }
  {
    auto c = cfg.section("vcb");
    auto& v = p.vcb;
    read_risk(c, v.risk);
    v.min_squeeze_bars = c.get<int>("min_squeeze_bars", v.min_squeeze_bars);
    v.range_lookback = c.get<int>("range_lookback", v.range_lookback);
    v.range_mult = c.get<double>("range_mult", v.range_mult);
    v.body_min_ratio = c.get<double>("body_min_ratio", v.body_min_ratio);
    if (v.min_squeeze_bars < 1) c.fail("min_squeeze_bars", "must be >= 1");
    if (v.range_lookback < 1) c.fail("range_lookback", "must be >= 1");
    positive(c, "range_mult", v.range_mult);
    ratio(c, "body_min_ratio", v.body_min_ratio);
  }
  {
    auto c = cfg.section("mb");
    auto& m = p.mb;
    read_risk(c, m.risk);
    m.box_bars = c.get<int>("box_bars", m.box_bars);
    m.max_box_atr = c.get<double>("max_box_atr", m.max_box_atr);
    m.wide_mult = c.get<double>("wide_mult", m.wide_mult);
    m.body_min_ratio = c.get<double>("body_min_ratio", m.body_min_ratio);
    m.breakout_min_atr = c.get<double>("breakout_min_atr", m.breakout_min_atr);
    if (m.box_bars < 2) c.fail("box_bars", "must be >= 2");
    positive(c, "max_box_atr", m.max_box_atr);
    positive(c, "wide_mult", m.wide_mult);
    ratio(c, "body_min_ratio", m.body_min_ratio);
    if (m.breakout_min_atr < 0) c.fail("breakout_min_atr", "must be >= 0");
  }
  {
    auto c = cfg.section("bb_scalp");
    auto& b = p.bb_scalp;
    read_risk(c, b.risk);
    b.rsi_high = c.get<double>("rsi_high", b.rsi_high);
    b.rsi_low = c.get<double>("rsi_low", b.rsi_low);
    b.wick_min_ratio = c.get<double>("wick_min_ratio", b.wick_min_ratio);
    if (!(b.rsi_low < 50 && b.rsi_high > 50 && b.rsi_low > 0 && b.rsi_high < 100))
      c.fail("rsi_high", "need 0 < rsi_low < 50 < rsi_high < 100");
    ratio(c, "wick_min_ratio", b.wick_min_ratio);
  }
  {
    auto c = cfg.section("throttle");
    p.throttle.cooldown_s = c.get<int64_t>("cooldown_s", p.throttle.cooldown_s);
    p.throttle.hourly_cap = c.get<int>("hourly_cap", p.throttle.hourly_cap);
    if (p.throttle.cooldown_s < 0) c.fail("cooldown_s", "must be >= 0");
    if (p.throttle.hourly_cap < 1) c.fail("hourly_cap", "must be >= 1");
  }
  {
    auto c = cfg.section("spread");
    p.spread.default_max_pips = c.get<double>("default_max_pips", p.spread.default_max_pips);
    p.spread.max_fraction_of_sl = c.get<double>("max_fraction_of_sl", p.spread.max_fraction_of_sl);
    positive(c, "default_max_pips", p.spread.default_max_pips);
    positive(c, "max_fraction_of_sl", p.spread.max_fraction_of_sl);
    auto per = c.raw("max_pips");
    if (per.is_object()) {
      for (auto& [sym, v] : per.items()) {
        if (v.is_number() && v.get<double>() > 0) p.spread.max_pips[sym] = v.get<double>();
        else c.fail("max_pips." + sym, "must be a positive number of pips");
      }
    } else if (!per.is_null()) {
      c.fail("max_pips", "must be an object {symbol: pips}");
    }
  }
  {
    auto c = cfg.section("classes");
    p.classes.sniper_min_rr = c.get<double>("sniper_min_rr", p.classes.sniper_min_rr);
    p.classes.sniper_min_confidence = c.get<double>("sniper_min_confidence", p.classes.sniper_min_confidence);
  }
  const int needed = std::max({p.vcb.range_lookback, p.mb.box_bars, p.obb.ob_lookback}) + 2;
  if (p.indicators.history < needed) {
    auto c = cfg.section("indicators");
    c.fail("history", "must be at least " + std::to_string(needed) + " (the longest lookback + 2)");
  }
  return p;
}

Result<patterns::PatternSetParams> load_pattern_params(const std::string& path) {
  auto cfg = ConfigReader::from_file(path);
  if (!cfg) return cfg.error();
  auto p = read_pattern_params(*cfg);
  if (auto st = cfg->finish(); !st) return st.error();
  return p;
}

DetectorConfig read_detector_config(ConfigReader& cfg, const std::string& daemon_name, const std::string& config_dir) {
  DetectorConfig d;
  d.market_sub = cfg.get<std::string>("market_sub", d.market_sub);
  d.candidates_push = cfg.get<std::string>("candidates_push", d.candidates_push);
  d.sub_rcvhwm = cfg.get<int>("sub_rcvhwm", d.sub_rcvhwm);
  d.push_sndhwm = cfg.get<int>("push_sndhwm", d.push_sndhwm);
  if (d.sub_rcvhwm <= 0 || d.push_sndhwm <= 0) cfg.fail("push_sndhwm", "high-water marks must be positive");
  d.engine.source = daemon_name;
  const auto tf = cfg.get<std::string>("timeframe", "M5");
  if (tf == "M1") d.engine.timeframe = market::Timeframe::M1;
  else if (tf == "M5") d.engine.timeframe = market::Timeframe::M5;
  else if (tf == "M15") d.engine.timeframe = market::Timeframe::M15;
  else cfg.fail("timeframe", "must be M1, M5 or M15");
  auto pats = cfg.raw("patterns");
  if (!pats.is_array() || pats.empty()) {
    cfg.fail("patterns", "required: a non-empty list of pattern names");
  } else {
    for (const auto& v : pats) {
      auto id = v.is_string() ? patterns::parse_pattern(v.get<std::string>()) : std::nullopt;
      if (!id) cfg.fail("patterns", "unknown pattern " + v.dump());
      else if (std::find(d.engine.patterns.begin(), d.engine.patterns.end(), *id) != d.engine.patterns.end())
        cfg.fail("patterns", "pattern listed twice: " + v.dump());
      else d.engine.patterns.push_back(*id);
    }
  }
  auto syms = cfg.raw("traded_symbols");
  if (syms.is_array()) {
    for (const auto& v : syms) {
      if (v.is_string()) d.engine.symbols.push_back(v.get<std::string>());
      else cfg.fail("traded_symbols", "must be a list of symbol names");
    }
  } else if (!syms.is_null()) {
    cfg.fail("traded_symbols", "must be a list of symbol names (empty = every symbol in symbols.json)");
  }
  std::string path = cfg.get<std::string>("pattern_config", "patterns.json");
  if (!path.empty() && std::filesystem::path(path).is_relative()) path = (std::filesystem::path(config_dir) / path).string();
  d.pattern_config = path;
  auto params = load_pattern_params(path);
  if (params) d.engine.params = *params;
  else cfg.fail("pattern_config", params.error().message);
  return d;
}

}  // namespace bitten::detector

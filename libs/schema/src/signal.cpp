#include "bitten/schema/signal.hpp"

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const SignalMsg& m) {
  nlohmann::json j{{"signal_id", m.signal_id},
                   {"symbol", m.symbol},
                   {"direction", m.direction},
                   {"pattern", m.pattern},
                   {"timeframe", m.timeframe},
                   {"signal_class", m.signal_class},
                   {"session", m.session},
                   {"entry", m.entry},
                   {"sl", m.sl},
                   {"tp", m.tp},
                   {"sl_pips", m.sl_pips},
                   {"tp_pips", m.tp_pips},
                   {"rr", m.rr},
                   {"confidence", m.confidence},
                   {"spread_pips", m.spread_pips},
                   {"atr_pips", m.atr_pips},
                   {"bar_time_ns", m.bar_time_ns},
                   {"detected_ns", m.detected_ns},
                   {"source", m.source},
                   {"features", m.features}};
  if (m.score) {
    const auto& s = *m.score;
    j["score"] = {{"accepted", s.accepted},
                  {"probability", s.probability ? nlohmann::json(*s.probability) : nlohmann::json(nullptr)},
                  {"threshold", s.threshold},
                  {"model_version", s.model_version},
                  {"reason", s.reason},
                  {"scored_ns", s.scored_ns}};
  }
  return j;
}

Result<SignalMsg> signal_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  SignalMsg m;
  m.signal_id = r.str("signal_id");
  m.symbol = r.str("symbol");
  m.direction = r.str("direction");
  m.pattern = r.str("pattern");
  m.timeframe = r.str("timeframe");
  m.signal_class = r.str("signal_class");
  m.session = r.str("session");
  m.entry = r.num("entry");
  m.sl = r.num("sl");
  m.tp = r.num("tp");
  m.sl_pips = r.num("sl_pips");
  m.tp_pips = r.num("tp_pips");
  m.rr = r.num("rr");
  m.confidence = r.num("confidence");
  m.spread_pips = r.num("spread_pips");
  m.atr_pips = r.num("atr_pips");
  m.bar_time_ns = r.i64("bar_time_ns");
  m.detected_ns = r.i64("detected_ns");
  m.source = r.str("source");
  const auto& features = r.object("features");
  if (!r.ok()) return r.error();
  for (auto& [k, v] : features.items()) {
    if (!v.is_number()) return make_error("wrong_type:features", "feature " + k + " is not a number");
    m.features[k] = v.get<double>();
  }
  if (m.direction != "BUY" && m.direction != "SELL") return make_error("bad_direction", "direction must be BUY or SELL");
  // The order spec must be coherent: SL on the losing side, TP on the winning side.
  const bool buy = m.direction == "BUY";
  if (buy ? !(m.sl < m.entry && m.tp > m.entry) : !(m.sl > m.entry && m.tp < m.entry))
    return make_error("bad_levels", "SL/TP are on the wrong side of entry");
  if (d.contains("score") && !d["score"].is_null()) {
    FieldReader s(d["score"]);
    SignalScore sc;
    sc.accepted = s.boolean("accepted");
    sc.probability = s.opt_num("probability");
    sc.threshold = s.num("threshold");
    sc.model_version = s.str("model_version");
    sc.reason = s.str("reason");
    sc.scored_ns = s.i64("scored_ns");
    if (!s.ok()) return s.error();
    m.score = sc;
  }
  return m;
}

}  // namespace bitten::schema

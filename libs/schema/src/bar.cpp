#include "bitten/schema/bar.hpp"

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const BarMsg& m) {
  return nlohmann::json{{"symbol", m.symbol}, {"timeframe", m.timeframe}, {"open_time_ns", m.open_time_ns},
                        {"open", m.open},     {"high", m.high},           {"low", m.low},
                        {"close", m.close},   {"ticks", m.ticks},         {"source", m.source},
                        {"uuid", m.uuid}};
}

Result<BarMsg> bar_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  BarMsg m;
  m.symbol = r.str("symbol");
  m.timeframe = r.str("timeframe");
  m.open_time_ns = r.i64("open_time_ns");
  m.open = r.num("open");
  m.high = r.num("high");
  m.low = r.num("low");
  m.close = r.num("close");
  m.ticks = r.i64("ticks");
  m.source = r.str("source");
  m.uuid = r.str("uuid");
  if (!r.ok()) return r.error();
  if (m.high < m.low || m.open > m.high || m.open < m.low || m.close > m.high || m.close < m.low)
    return make_error("bad_bar", "OHLC values are inconsistent");
  return m;
}

}  // namespace bitten::schema

#include "bitten/schema/ea_status.hpp"

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const EaStatusMsg& m) {
  return nlohmann::json{{"kind", m.kind},
                        {"uuid", m.uuid},
                        {"node_id", m.node_id},
                        {"account", m.account},
                        {"broker", m.broker},
                        {"currency", m.currency},
                        {"balance", m.balance},
                        {"equity", m.equity},
                        {"free_margin", m.free_margin},
                        {"margin_level", m.margin_level},
                        {"leverage", m.leverage},
                        {"ticks_processed", m.ticks_processed},
                        {"broker_offset_s", m.broker_offset_s},
                        {"time_ns", m.time_ns}};
}

Result<EaStatusMsg> ea_status_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  EaStatusMsg m;
  m.kind = r.str("kind");
  m.uuid = r.str("uuid");
  m.node_id = r.str("node_id");
  m.account = r.str("account");
  m.broker = r.str("broker");
  m.currency = r.str("currency");
  m.balance = r.num("balance");
  m.equity = r.num("equity");
  m.free_margin = r.num("free_margin");
  m.margin_level = r.num("margin_level");
  m.leverage = r.i64("leverage");
  m.ticks_processed = r.i64("ticks_processed");
  m.broker_offset_s = r.i64("broker_offset_s");
  m.time_ns = r.i64("time_ns");
  if (!r.ok()) return r.error();
  return m;
}

}  // namespace bitten::schema

#include "bitten/schema/command.hpp"

#include "bitten/schema/json_fields.hpp"

namespace bitten::schema {

nlohmann::json to_json(const CommandMsg& m) {
  return nlohmann::json{{"command_id", m.command_id}, {"kind", m.kind},       {"target_uuid", m.target_uuid},
                        {"user_id", m.user_id},       {"symbol", m.symbol},   {"direction", m.direction},
                        {"sl", m.sl},                 {"tp", m.tp},           {"lot", m.lot},
                        {"ticket", m.ticket},         {"requested_ns", m.requested_ns}};
}

Result<CommandMsg> command_from_json(const nlohmann::json& d) {
  FieldReader r(d);
  CommandMsg m;
  m.command_id = r.str("command_id");
  m.kind = r.str("kind");
  m.target_uuid = r.str("target_uuid");
  m.user_id = r.str("user_id");
  m.symbol = r.str("symbol");
  m.direction = r.str("direction");
  m.sl = r.num("sl");
  m.tp = r.num("tp");
  m.lot = r.num("lot");
  m.ticket = r.i64("ticket");
  m.requested_ns = r.i64("requested_ns");
  if (!r.ok()) return r.error();
  if (m.command_id.empty() || m.target_uuid.empty()) return make_error("bad_command", "command_id and target_uuid are required");
  if (m.kind == "fire") {
    if (m.symbol.empty() || (m.direction != "BUY" && m.direction != "SELL") || !(m.lot > 0))
      return make_error("bad_command", "a fire needs symbol, direction BUY/SELL and lot > 0");
  } else if (m.kind == "close_ticket") {
    if (m.ticket <= 0) return make_error("bad_command", "close_ticket needs a ticket > 0");
  } else if (m.kind != "close_all" && m.kind != "ping") {
    return make_error("bad_command", "unknown command kind '" + m.kind + "'");
  }
  return m;
}

}  // namespace bitten::schema

#pragma once
// Frames as the EA and the queue's producers send them.
#include <string>
#include <vector>

#include "bitten/ea/ea_encoder.hpp"
#include "bitten/risk/fire_service.hpp"
#include "bitten/schema/command.hpp"
#include "bitten/schema/envelope.hpp"

namespace bitten::execution::testing {

inline std::string hello_payload(const std::string& uuid, const std::string& node = "", double balance = 10000) {
  ea::Hello h;
  h.target_uuid = uuid;
  h.node_id = node.empty() ? "NODE_" + uuid : node;
  h.account_login = "1234567";
  h.broker = "Broker-Demo";
  h.company = "Broker Ltd";
  h.terminal = "MetaTrader 5";
  h.currency = "USD";
  h.balance = balance;
  h.equity = balance;
  h.leverage = 500;
  h.free_margin = balance;
  h.symbols = 22;
  h.version = "2.05";
  h.timestamp = "2025.09.15 19:41:16";
  return ea::ea_encode_hello(h);
}

inline std::string heartbeat_payload(const std::string& uuid, const std::string& node = "") {
  ea::DealerHeartbeat b;
  b.target_uuid = uuid;
  b.node_id = node.empty() ? "NODE_" + uuid : node;
  b.currency = "USD";
  b.balance = 10000;
  b.equity = 10000;
  b.leverage = 500;
  b.timestamp = "2025.09.15 19:41:46";
  return ea::ea_encode_dealer_heartbeat(b);
}

inline schema::CommandMsg fire_command(const risk::EaFireCommand& c, const std::string& user, int64_t now) {
  return risk::to_command(c, user, now);
}

inline std::vector<std::string> queue_frames(const schema::CommandMsg& m, int64_t now) {
  static schema::EnvelopeWriter w("test");
  return {"cmd." + m.target_uuid, w.encode(schema::CommandMsg::kType, now, schema::to_json(m))};
}

}  // namespace bitten::execution::testing

#pragma once
// cmd.<uuid>: a command for one EA, PUSHed to command_router's IPC queue by whoever decided it
// (webapp manual fire, signal_relay auto-fire, admin close/ping). The router turns it into the
// exact v2.05 bytes (bitten::ea::encode_*) and sends it at most once.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "bitten/core/result.hpp"

namespace bitten::schema {

struct CommandMsg {
  static constexpr const char* kType = "command";
  std::string command_id;   // the fire_id for fires; a unique id otherwise (ping_id for pings)
  std::string kind;         // "fire" | "close_all" | "close_ticket" | "ping"
  std::string target_uuid;  // the EA's identity on 5555
  std::string user_id;
  // fire only (ignored otherwise): the order spec exactly as risk approved it
  std::string symbol;
  std::string direction;    // "BUY" | "SELL"
  double sl = 0, tp = 0, lot = 0;
  int64_t ticket = 0;       // close_ticket only
  int64_t requested_ns = 0; // when the command was decided (UTC)

  bool operator==(const CommandMsg&) const = default;
};

nlohmann::json to_json(const CommandMsg& m);
// Checks kind-specific fields too (a fire needs symbol, direction, sl, tp, lot > 0).
Result<CommandMsg> command_from_json(const nlohmann::json& data);

}  // namespace bitten::schema

#pragma once
// command_router's logic: the EA registry (HELLO / HEARTBEAT on ROUTER 5555) and the routing of
// commands from the IPC queue to exactly one live, registered, unblocked EA. No sockets: the loop
// hands frames in, sends what comes out, and reports each send's result back.
//
// At most once, ever: a fire is routed only while its row is QUEUED, and the row becomes SENT
// *before* the bytes are handed to ZeroMQ. A duplicated queue message, a restart, or a confirmation
// that overtook us all find a row that is no longer QUEUED and send nothing. If ROUTER_MANDATORY
// then refuses the send (the EA's connection is gone), the fire becomes UNDELIVERABLE("unroutable").
// Every command that is not sent is reported (fire row + event, or a command_event); none is dropped
// silently.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitten/core/symbols.hpp"
#include "bitten/ea/decoder.hpp"
#include "bitten/execution/ea_registry.hpp"
#include "bitten/execution/events.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/command.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::execution {

// Undeliverable reasons (stable codes).
namespace undeliverable {
inline constexpr const char* kEaUnknown = "ea_unknown";    // never registered (no HELLO/HEARTBEAT, no row)
inline constexpr const char* kEaOffline = "ea_offline";    // no report within the TTL
inline constexpr const char* kEaBlocked = "ea_blocked";    // duplicate identity, until an admin clears it
inline constexpr const char* kUnroutable = "unroutable";   // ROUTER_MANDATORY refused: no connection
inline constexpr const char* kUnknownSymbol = "unknown_symbol";
inline constexpr const char* kBadCommand = "bad_command";  // the encoder refused a field (detail says which)
}  // namespace undeliverable

struct RouterOptions {
  int64_t ea_ttl_ns = 90LL * 1'000'000'000;      // risk.json ea_ttl_s
  int64_t upsert_interval_ns = 1'000'000'000;    // ea_instances write rate per UUID (HELLO always writes)
  size_t max_message_bytes = 64 * 1024;          // larger EA frames are counted and dropped
};

// One frame set to send on the ROUTER: [identity, payload] or [identity, "", payload].
struct OutboundCommand {
  std::string identity;
  bool req_style = false;
  std::string payload;      // exact v2.05 bytes
  std::string kind;         // fire | close_all | close_ticket | ping
  std::string command_id;   // fire_id for fires
  std::string uuid;
  std::string user_id;
  int64_t requested_ns = 0;
  std::optional<store::FireRecord> fire;  // a fire's row as SENT, for its event after the send
};

struct RouterOutput {
  std::vector<OutboundCommand> sends;
  Events events;
  void clear() {
    sends.clear();
    events.clear();
  }
};

// The fields of a HELLO / HEARTBEAT that matter to the registry and ea_instances.
struct ReportFields {
  std::string account_login;
  std::string broker;
  std::string currency;
  int64_t leverage = 0;
  double balance = 0, equity = 0, free_margin = 0, margin_level = 0;
  int64_t ticks_processed = 0;
};

class CommandRouter {
 public:
  CommandRouter(store::Database& db, const SymbolTable& symbols, RouterOptions options, runtime::Health& health);

  // Frames received on ROUTER 5555.
  void on_ea_frames(const std::vector<std::string>& frames, int64_t now_ns, RouterOutput& out);
  // Frames received on the IPC queue: [cmd.<uuid>][envelope "command" (schema::CommandMsg)].
  void on_queue_frames(const std::vector<std::string>& frames, int64_t now_ns, RouterOutput& out);
  // A parsed command (also what on_queue_frames calls).
  void route(const schema::CommandMsg& cmd, int64_t now_ns, RouterOutput& out);
  // The loop tried to send `cmd`: delivered = the socket accepted it.
  void on_send_result(const OutboundCommand& cmd, bool delivered, int64_t now_ns, RouterOutput& out);
  // Once a second: EAs that went silent -> ea.offline events; gauges.
  void on_timer(int64_t now_ns, RouterOutput& out);

  const EaRegistry& registry() const { return registry_; }

 private:
  struct Route {
    std::optional<std::string> identity;
    bool req_style = false;
    std::string reason;  // when no identity
    std::optional<std::string> bound_user;
  };
  Route resolve(const std::string& uuid, int64_t now_ns);
  void on_report(const std::string& identity, bool req_style, const std::string& uuid, const std::string& node_id,
                 const ReportFields& f, bool is_hello, int64_t now_ns, RouterOutput& out);
  void route_fire(const schema::CommandMsg& cmd, int64_t now_ns, RouterOutput& out);
  void undeliverable_fire(const std::string& fire_id, const std::string& reason, const std::string& detail,
                          int64_t now_ns, RouterOutput& out);

  store::Database& db_;
  const SymbolTable& symbols_;
  RouterOptions opt_;
  runtime::Health& health_;
  EaRegistry registry_;
  ea::Decoder decoder_;
};

}  // namespace bitten::execution

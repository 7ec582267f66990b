#pragma once
#include "bitten/schema/command.hpp"
// The one fire path. The webapp (manual) and signal_relay (auto) both call FireService::fire, so
// they cannot diverge: load a snapshot from the store -> risk engine -> take the slot and queue the
// fire in one transaction. Every refusal is recorded as a REJECTED fire (except for an unknown
// user, who has no row to attach it to). Socket-free: the caller sends `command` to the router.
#include <optional>
#include <string>

#include "bitten/core/ids.hpp"
#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/risk/engine.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::risk {

// The fields of the v2.05 EA "fire" command (the router encodes them in the EA's exact shape).
struct EaFireCommand {
  std::string target_uuid;
  std::string fire_id;  // <= 31 ASCII characters: the MT5 order comment
  std::string symbol;
  std::string direction;
  double entry = 0;  // market order
  double sl = 0;
  double tp = 0;
  double lot = 0;
};

// The message that carries an approved fire to command_router's IPC queue: one construction for
// manual fires (webapp) and auto-fires (signal_relay), so the two cannot diverge.
schema::CommandMsg to_command(const EaFireCommand& c, const std::string& user_id, int64_t now_ns);

struct FireOutcome {
  std::string fire_id;  // empty only for user_not_found
  store::FireState state = store::FireState::REJECTED;
  std::string reason;   // refusal code (reasons.hpp), empty when QUEUED
  std::string detail;
  bool duplicate = false;                // a repeated idempotency key: this is the original fire
  std::optional<EaFireCommand> command;  // set only for a fire newly QUEUED by this call
  std::optional<ApprovedOrder> order;    // sizing details when approved
  std::optional<store::FireRecord> record;  // the row as written (or found, for a duplicate)
};

class FireService {
 public:
  FireService(store::Database& db, const RiskConfig& config, const SymbolTable& symbols, IdGenerator& ids)
      : db_(db), config_(config), symbols_(symbols), ids_(ids) {}

  // Errors are store failures (db_busy, db_full, db_io ...); refusals are outcomes. One IMMEDIATE
  // transaction: the snapshot, the decision and the write under the same lock.
  Result<FireOutcome> fire(const FireRequest& request, const QuoteSource& quotes);
  // The mission brief: the same checks and sizing, nothing written.
  Result<RiskDecision> preview(const FireRequest& request, const QuoteSource& quotes);
  Result<RiskSnapshot> load_snapshot(const FireRequest& request, const QuoteSource& quotes);

 private:
  Result<FireOutcome> decide_and_write(const FireRequest& request, const QuoteSource& quotes);
  store::Database& db_;
  const RiskConfig& config_;
  const SymbolTable& symbols_;
  IdGenerator& ids_;
};

}  // namespace bitten::risk

#pragma once
// fires and positions. The risk facade (FireService) inserts fires; command_router and
// confirm_listener move them along the state machine (fire_state.hpp); a FILLED transition opens the
// position row and CLOSED closes it in the same transaction, so open positions and FILLED fires
// always agree.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

// Refusal codes decided inside the store's transaction (the risk engine uses the same strings).
namespace reason {
inline constexpr std::string_view kSlotsFull = "slots_full";
inline constexpr std::string_view kMissionAlreadyFired = "mission_already_fired";
inline constexpr std::string_view kOppositePosition = "opposite_position";
}  // namespace reason

struct QueueFireRequest {
  // fire_id, user_id, mission_id, signal_id, ea_uuid, mode, symbol, direction, lot, entry, sl, tp,
  // risk_pct, risk_amount, balance_used, idempotency_key, requested_ns. State and times are set here.
  FireRecord fire;
  int max_slots = 0;             // open positions + in-flight fires allowed for the user's tier
  bool forbid_opposite = true;   // refuse when an open/in-flight fire on the symbol goes the other way
  int64_t now_ns = 0;
};

enum class QueueOutcome { Queued, Rejected, Duplicate };

struct QueueFireResult {
  QueueOutcome outcome = QueueOutcome::Rejected;
  // Queued: the new QUEUED fire. Rejected: the new REJECTED row (reason set). Duplicate: the fire
  // first recorded under this idempotency key, unchanged.
  FireRecord fire;
  int slots_used = 0;  // open positions + in-flight fires before this request
};

// Extra facts a transition may carry.
struct TransitionData {
  std::string reason;                 // UNDELIVERABLE / FAILED / TIMEOUT / CLOSED detail
  std::optional<int64_t> ticket;      // FILLED
  std::optional<double> fill_price;   // FILLED
  std::optional<double> close_price;  // CLOSED
  std::optional<double> pnl;          // CLOSED, account currency
  std::optional<double> pips;         // CLOSED
  std::optional<std::string> close_result;  // CLOSED: WIN / LOSS / BE / ...
  bool inferred = false;              // CLOSED: inferred from SL/TP against ticks (v2.05 EAs report no closes)
};

struct TransitionResult {
  bool applied = false;  // false: the fire was already in the target state (a repeated report)
  FireState from = FireState::REQUESTED;
  FireRecord fire;       // after the transition
};

class FireRepo {
 public:
  explicit FireRepo(Database& db) : db_(db) {}

  // One IMMEDIATE transaction: idempotency key, one live fire per mission, slots (open positions +
  // in-flight fires < max_slots), no opposite exposure on the symbol; inserts QUEUED only if all
  // hold, else inserts the request as REJECTED with the reason. Concurrent callers on other
  // connections serialise on the write lock, so two requests can never take the same last slot.
  Result<QueueFireResult> take_slot_and_queue_fire(const QueueFireRequest& req);
  // Inserts fire as QUEUED inside the caller's write transaction, which must already have read and
  // checked under that same lock everything take_slot_and_queue_fire checks (the risk engine's fire
  // does: its snapshot is read in the transaction it writes in). Outside a transaction it refuses
  // (error "not_in_transaction") rather than insert unchecked. The unique indexes still hold one
  // live fire per mission and one fire per idempotency key.
  Result<FireRecord> queue_checked(FireRecord fire, int64_t now_ns);
  // Records a fire the risk engine refused (state REJECTED). A repeated idempotency key returns the
  // original fire instead (outcome Duplicate).
  Result<QueueFireResult> record_rejected(FireRecord fire, std::string_view reason, std::string_view detail,
                                          int64_t now_ns);

  // Guarded state change: errors "fire_not_found" or "illegal_transition"; repeating the current
  // state is not an error (applied = false).
  Result<TransitionResult> transition(const std::string& fire_id, FireState to, const TransitionData& data,
                                      int64_t now_ns);
  Result<TransitionResult> mark_sent(const std::string& fire_id, int64_t now_ns);
  // QUEUED -> SENT in one statement (joining the caller's transaction if there is one): the row
  // after it, or nothing when the fire is missing or not QUEUED (nothing changed).
  Result<std::optional<FireRecord>> try_mark_sent(const std::string& fire_id, int64_t now_ns);
  Result<TransitionResult> mark_undeliverable(const std::string& fire_id, std::string reason, int64_t now_ns);
  Result<TransitionResult> mark_filled(const std::string& fire_id, int64_t ticket, double fill_price, int64_t now_ns);
  Result<TransitionResult> mark_failed(const std::string& fire_id, std::string reason, int64_t now_ns);
  Result<TransitionResult> mark_timeout(const std::string& fire_id, int64_t now_ns);
  Result<TransitionResult> mark_closed(const std::string& fire_id, const TransitionData& close, int64_t now_ns);

  Result<std::optional<FireRecord>> get(const std::string& fire_id);
  Result<std::optional<FireRecord>> find_by_key(const std::string& user_id, const std::string& key);
  // The fire that holds the mission (not REJECTED / UNDELIVERABLE), if any.
  Result<std::optional<FireRecord>> live_for_mission(const std::string& mission_id);
  // Fires in `state` whose last update is older than cutoff_ns (for the SENT -> TIMEOUT sweeper).
  Result<std::vector<FireRecord>> stale(FireState state, int64_t cutoff_ns, int limit);

  // Reads for the web and the risk snapshot.
  Result<std::vector<FireRecord>> for_user(const std::string& user_id, int limit,
                                           std::optional<int64_t> before_ns = std::nullopt);
  // Every user's fires, newest request first (the Throne's feed); before_ns pages backwards.
  Result<std::vector<FireRecord>> recent(int limit, std::optional<int64_t> before_ns = std::nullopt);
  Result<std::vector<FireRecord>> in_flight_for_user(const std::string& user_id);
  // What the risk rules read of a user's slot holders, from covering indexes only (no table rows):
  // in index order (symbol, direction, fire_id), not by time.
  Result<std::vector<ExposureRow>> open_exposure(const std::string& user_id);
  Result<std::vector<ExposureRow>> in_flight_exposure(const std::string& user_id);
  Result<int> open_fires_count(const std::string& user_id);  // in-flight + FILLED
  Result<int> slots_used(const std::string& user_id);        // open positions + in-flight fires
  Result<int> trades_today(const std::string& user_id, int64_t now_ns);  // UTC day
  Result<double> realized_pnl_today(const std::string& user_id, int64_t now_ns);
  Result<int64_t> count_active();  // QUEUED + SENT + FILLED, all users

  Result<std::vector<PositionRecord>> open_positions(const std::string& user_id);
  Result<std::vector<PositionRecord>> all_open_positions();
  Result<std::vector<PositionRecord>> positions_for_user(const std::string& user_id, int limit);

 private:
  Database& db_;
};

}  // namespace bitten::store

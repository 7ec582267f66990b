#include "bitten/store/fire_repo.hpp"
#include "bitten/store/write_transaction.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include "bitten/store/day.hpp"
#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {

constexpr const char* kFireCols =
    "fire_id, mission_id, user_id, signal_id, ea_uuid, mode, symbol, direction, lot, entry, sl, tp, risk_pct, "
    "risk_amount, balance_used, state, reason, reason_detail, idempotency_key, ticket, fill_price, close_price, "
    "close_result, pnl, close_inferred, requested_ns, rejected_ns, queued_ns, sent_ns, undeliverable_ns, "
    "filled_ns, failed_ns, timeout_ns, closed_ns, updated_ns";

constexpr const char* kPosCols =
    "fire_id, user_id, ea_uuid, symbol, direction, lot, open_price, sl, tp, ticket, status, opened_ns, "
    "close_price, closed_ns, pnl, pips, close_reason, inferred";

// States that hold a slot before the broker answered (see is_in_flight).
constexpr const char* kInFlightSql = "('REQUESTED', 'QUEUED', 'SENT')";

FireRecord read_fire(SQLite::Statement& q) {
  FireRecord f;
  int i = 0;
  f.fire_id = q.getColumn(i++).getString();
  f.mission_id = opt_str(q.getColumn(i++));
  f.user_id = q.getColumn(i++).getString();
  f.signal_id = opt_str(q.getColumn(i++));
  f.ea_uuid = q.getColumn(i++).getString();
  f.mode = q.getColumn(i++).getString();
  f.symbol = q.getColumn(i++).getString();
  f.direction = q.getColumn(i++).getString();
  f.lot = q.getColumn(i++).getDouble();
  f.entry = q.getColumn(i++).getDouble();
  f.sl = q.getColumn(i++).getDouble();
  f.tp = q.getColumn(i++).getDouble();
  f.risk_pct = q.getColumn(i++).getDouble();
  f.risk_amount = q.getColumn(i++).getDouble();
  f.balance_used = q.getColumn(i++).getDouble();
  f.state = parse_fire_state(q.getColumn(i++).getString()).value_or(FireState::REQUESTED);
  f.reason = q.getColumn(i++).getString();
  f.reason_detail = q.getColumn(i++).getString();
  f.idempotency_key = opt_str(q.getColumn(i++));
  f.ticket = opt_i64(q.getColumn(i++));
  f.fill_price = opt_dbl(q.getColumn(i++));
  f.close_price = opt_dbl(q.getColumn(i++));
  f.close_result = opt_str(q.getColumn(i++));
  f.pnl = opt_dbl(q.getColumn(i++));
  f.close_inferred = q.getColumn(i++).getInt() != 0;
  f.requested_ns = i64(q.getColumn(i++));
  f.rejected_ns = opt_i64(q.getColumn(i++));
  f.queued_ns = opt_i64(q.getColumn(i++));
  f.sent_ns = opt_i64(q.getColumn(i++));
  f.undeliverable_ns = opt_i64(q.getColumn(i++));
  f.filled_ns = opt_i64(q.getColumn(i++));
  f.failed_ns = opt_i64(q.getColumn(i++));
  f.timeout_ns = opt_i64(q.getColumn(i++));
  f.closed_ns = opt_i64(q.getColumn(i++));
  f.updated_ns = i64(q.getColumn(i++));
  return f;
}

PositionRecord read_position(SQLite::Statement& q) {
  PositionRecord p;
  int i = 0;
  p.fire_id = q.getColumn(i++).getString();
  p.user_id = q.getColumn(i++).getString();
  p.ea_uuid = q.getColumn(i++).getString();
  p.symbol = q.getColumn(i++).getString();
  p.direction = q.getColumn(i++).getString();
  p.lot = q.getColumn(i++).getDouble();
  p.open_price = q.getColumn(i++).getDouble();
  p.sl = q.getColumn(i++).getDouble();
  p.tp = q.getColumn(i++).getDouble();
  p.ticket = opt_i64(q.getColumn(i++));
  p.status = q.getColumn(i++).getString();
  p.opened_ns = i64(q.getColumn(i++));
  p.close_price = opt_dbl(q.getColumn(i++));
  p.closed_ns = opt_i64(q.getColumn(i++));
  p.pnl = opt_dbl(q.getColumn(i++));
  p.pips = opt_dbl(q.getColumn(i++));
  p.close_reason = opt_str(q.getColumn(i++));
  p.inferred = q.getColumn(i++).getInt() != 0;
  return p;
}

void insert_fire(SQLite::Database& db, const FireRecord& f) {
  CachedStatement q_cached(db, std::string("INSERT INTO fires (") + kFireCols +
                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  SQLite::Statement& q = *q_cached;
  int i = 1;
  q.bind(i++, f.fire_id);
  bind_opt(q, i++, f.mission_id);
  q.bind(i++, f.user_id);
  bind_opt(q, i++, f.signal_id);
  q.bind(i++, f.ea_uuid);
  q.bind(i++, f.mode);
  q.bind(i++, f.symbol);
  q.bind(i++, f.direction);
  q.bind(i++, f.lot);
  q.bind(i++, f.entry);
  q.bind(i++, f.sl);
  q.bind(i++, f.tp);
  q.bind(i++, f.risk_pct);
  q.bind(i++, f.risk_amount);
  q.bind(i++, f.balance_used);
  q.bind(i++, std::string(to_string(f.state)));
  q.bind(i++, f.reason);
  q.bind(i++, f.reason_detail);
  bind_opt(q, i++, f.idempotency_key);
  bind_opt(q, i++, f.ticket);
  bind_opt(q, i++, f.fill_price);
  bind_opt(q, i++, f.close_price);
  bind_opt(q, i++, f.close_result);
  bind_opt(q, i++, f.pnl);
  q.bind(i++, f.close_inferred ? 1 : 0);
  bind_i64(q, i++, f.requested_ns);
  bind_opt(q, i++, f.rejected_ns);
  bind_opt(q, i++, f.queued_ns);
  bind_opt(q, i++, f.sent_ns);
  bind_opt(q, i++, f.undeliverable_ns);
  bind_opt(q, i++, f.filled_ns);
  bind_opt(q, i++, f.failed_ns);
  bind_opt(q, i++, f.timeout_ns);
  bind_opt(q, i++, f.closed_ns);
  bind_i64(q, i++, f.updated_ns);
  q.exec();
}

std::optional<FireRecord> select_fire(SQLite::Database& db, const std::string& where, const std::string& a,
                                      const std::string* b = nullptr) {
  CachedStatement q_cached(db, std::string("SELECT ") + kFireCols + " FROM fires WHERE " + where + " LIMIT 1");
  SQLite::Statement& q = *q_cached;
  q.bind(1, a);
  if (b) q.bind(2, *b);
  if (!q.executeStep()) return std::nullopt;
  return read_fire(q);
}

int count_slots(SQLite::Database& db, const std::string& user_id) {
  CachedStatement q_cached(db, std::string("SELECT (SELECT COUNT(*) FROM positions WHERE user_id = ?1 AND status = 'OPEN') + "
                                      "(SELECT COUNT(*) FROM fires WHERE user_id = ?1 AND state IN ") +
                              kInFlightSql + ")");
  SQLite::Statement& q = *q_cached;
  q.bind(1, user_id);
  q.executeStep();
  return q.getColumn(0).getInt();
}

std::optional<std::string> opposite_exposure(SQLite::Database& db, const FireRecord& f) {
  CachedStatement q_cached(db, std::string("SELECT fire_id FROM positions WHERE user_id = ?1 AND status = 'OPEN' AND "
                                      "symbol = ?2 AND direction <> ?3 UNION ALL SELECT fire_id FROM fires WHERE "
                                      "user_id = ?1 AND symbol = ?2 AND direction <> ?3 AND state IN ") +
                              kInFlightSql + " LIMIT 1");
  SQLite::Statement& q = *q_cached;
  q.bind(1, f.user_id);
  q.bind(2, f.symbol);
  q.bind(3, f.direction);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

const char* time_column(FireState s) {
  switch (s) {
    case FireState::REQUESTED: return "requested_ns";
    case FireState::REJECTED: return "rejected_ns";
    case FireState::QUEUED: return "queued_ns";
    case FireState::SENT: return "sent_ns";
    case FireState::UNDELIVERABLE: return "undeliverable_ns";
    case FireState::FILLED: return "filled_ns";
    case FireState::FAILED: return "failed_ns";
    case FireState::TIMEOUT: return "timeout_ns";
    case FireState::CLOSED: return "closed_ns";
  }
  return "updated_ns";
}

FireRecord as_rejected(FireRecord f, std::string_view reason, std::string_view detail, int64_t now_ns) {
  f.state = FireState::REJECTED;
  f.reason = std::string(reason);
  f.reason_detail = std::string(detail);
  f.rejected_ns = now_ns;
  f.queued_ns.reset();
  if (f.requested_ns == 0) f.requested_ns = now_ns;
  f.updated_ns = now_ns;
  return f;
}

}  // namespace

Result<QueueFireResult> FireRepo::take_slot_and_queue_fire(const QueueFireRequest& req) {
  return guarded("queue fire", [&]() -> Result<QueueFireResult> {
    auto& db = db_.sql();
    WriteTransaction tx(db_);
    QueueFireResult out;
    const FireRecord& f = req.fire;
    if (f.idempotency_key) {
      if (auto prior = select_fire(db, "user_id = ? AND idempotency_key = ?", f.user_id, &*f.idempotency_key)) {
        out.outcome = QueueOutcome::Duplicate;
        out.fire = std::move(*prior);
        out.slots_used = count_slots(db, f.user_id);
        return out;  // nothing written; the transaction rolls back
      }
    }
    out.slots_used = count_slots(db, f.user_id);
    std::string reason, detail;
    if (f.mission_id) {
      if (auto live = select_fire(db, "mission_id = ? AND state NOT IN ('REJECTED', 'UNDELIVERABLE')", *f.mission_id)) {
        reason = reason::kMissionAlreadyFired;
        detail = "fire " + live->fire_id + " holds this mission";
      }
    }
    if (reason.empty() && out.slots_used >= req.max_slots) {
      reason = reason::kSlotsFull;
      detail = std::to_string(out.slots_used) + " of " + std::to_string(req.max_slots) + " slots in use";
    }
    if (reason.empty() && req.forbid_opposite) {
      if (auto other = opposite_exposure(db, f)) {
        reason = reason::kOppositePosition;
        detail = "fire " + *other + " is the other way on " + f.symbol;
      }
    }
    if (reason.empty()) {
      FireRecord q = f;
      q.state = FireState::QUEUED;
      q.reason.clear();
      q.reason_detail.clear();
      if (q.requested_ns == 0) q.requested_ns = req.now_ns;
      q.queued_ns = req.now_ns;
      q.updated_ns = req.now_ns;
      insert_fire(db, q);
      out.outcome = QueueOutcome::Queued;
      out.fire = std::move(q);
    } else {
      out.fire = as_rejected(f, reason, detail, req.now_ns);
      insert_fire(db, out.fire);
      out.outcome = QueueOutcome::Rejected;
    }
    tx.commit();
    return out;
  });
}

Result<FireRecord> FireRepo::queue_checked(FireRecord f, int64_t now_ns) {
  return guarded("queue checked fire", [&]() -> Result<FireRecord> {
    if (sqlite3_get_autocommit(db_.sql().getHandle()) != 0)
      return make_error("not_in_transaction", "queue_checked needs the caller's write transaction");
    f.state = FireState::QUEUED;
    f.reason.clear();
    f.reason_detail.clear();
    if (f.requested_ns == 0) f.requested_ns = now_ns;
    f.queued_ns = now_ns;
    f.updated_ns = now_ns;
    insert_fire(db_.sql(), f);
    return f;
  });
}

Result<QueueFireResult> FireRepo::record_rejected(FireRecord fire, std::string_view reason, std::string_view detail,
                                                  int64_t now_ns) {
  return guarded("record rejected fire", [&]() -> Result<QueueFireResult> {
    auto& db = db_.sql();
    WriteTransaction tx(db_);
    QueueFireResult out;
    if (fire.idempotency_key) {
      if (auto prior = select_fire(db, "user_id = ? AND idempotency_key = ?", fire.user_id, &*fire.idempotency_key)) {
        out.outcome = QueueOutcome::Duplicate;
        out.fire = std::move(*prior);
        return out;
      }
    }
    out.fire = as_rejected(std::move(fire), reason, detail, now_ns);
    insert_fire(db, out.fire);
    out.outcome = QueueOutcome::Rejected;
    tx.commit();
    return out;
  });
}

Result<TransitionResult> FireRepo::transition(const std::string& fire_id, FireState to, const TransitionData& d,
                                              int64_t now_ns) {
  return guarded("fire transition", [&]() -> Result<TransitionResult> {
    auto& db = db_.sql();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto cur = select_fire(db, "fire_id = ?", fire_id);
    if (!cur) return make_error("fire_not_found", "fire " + fire_id + " does not exist");
    TransitionResult out;
    out.from = cur->state;
    if (cur->state == to) {
      out.applied = false;
      out.fire = std::move(*cur);
      return out;
    }
    if (!is_legal_transition(cur->state, to))
      return make_error("illegal_transition", "fire " + fire_id + ": " + std::string(to_string(cur->state)) +
                                                  " -> " + std::string(to_string(to)) + " is not allowed");
    std::string sql = std::string("UPDATE fires SET state = ?1, ") + time_column(to) +
                      " = ?2, updated_ns = ?2, reason = CASE WHEN ?3 = '' THEN reason ELSE ?3 END";
    if (to == FireState::FILLED) {
      // A confirmation that overtook the router's SENT update still implies the fire was sent.
      sql += ", ticket = COALESCE(?4, ticket), fill_price = COALESCE(?5, fill_price), sent_ns = COALESCE(sent_ns, ?2)";
    } else if (to == FireState::FAILED) {
      sql += ", sent_ns = COALESCE(sent_ns, ?2)";
    } else if (to == FireState::CLOSED) {
      sql += ", close_price = ?6, pnl = ?7, close_result = ?8, close_inferred = ?9";
    }
    sql += " WHERE fire_id = ?10 AND state = ?11";
    CachedStatement u_cached(db, sql);
    SQLite::Statement& u = *u_cached;
    u.bind(1, std::string(to_string(to)));
    bind_i64(u, 2, now_ns);
    u.bind(3, d.reason);
    if (to == FireState::FILLED) {
      bind_opt(u, 4, d.ticket);
      bind_opt(u, 5, d.fill_price);
    }
    if (to == FireState::CLOSED) {
      bind_opt(u, 6, d.close_price);
      bind_opt(u, 7, d.pnl);
      bind_opt(u, 8, d.close_result);
      u.bind(9, d.inferred ? 1 : 0);
    }
    u.bind(10, fire_id);
    u.bind(11, std::string(to_string(cur->state)));
    if (u.exec() != 1) return make_error("db_error", "fire " + fire_id + ": state changed under the write lock");

    if (to == FireState::FILLED) {
      CachedStatement p_cached(db, std::string("INSERT INTO positions (") + kPosCols +
                                  ") VALUES (?,?,?,?,?,?,?,?,?,?,'OPEN',?,NULL,NULL,NULL,NULL,NULL,0) "
                                  "ON CONFLICT(fire_id) DO NOTHING");
      SQLite::Statement& p = *p_cached;
      int i = 1;
      p.bind(i++, cur->fire_id);
      p.bind(i++, cur->user_id);
      p.bind(i++, cur->ea_uuid);
      p.bind(i++, cur->symbol);
      p.bind(i++, cur->direction);
      p.bind(i++, cur->lot);
      p.bind(i++, d.fill_price.value_or(cur->entry));
      p.bind(i++, cur->sl);
      p.bind(i++, cur->tp);
      bind_opt(p, i++, d.ticket);
      bind_i64(p, i++, now_ns);
      p.exec();
    } else if (to == FireState::CLOSED) {
      CachedStatement p_cached(db,
                          "UPDATE positions SET status = 'CLOSED', close_price = ?, closed_ns = ?, pnl = ?, pips = ?, "
                          "close_reason = ?, inferred = ? WHERE fire_id = ? AND status = 'OPEN'");
      SQLite::Statement& p = *p_cached;
      bind_opt(p, 1, d.close_price);
      bind_i64(p, 2, now_ns);
      bind_opt(p, 3, d.pnl);
      bind_opt(p, 4, d.pips);
      if (d.reason.empty()) p.bind(5); else p.bind(5, d.reason);
      p.bind(6, d.inferred ? 1 : 0);
      p.bind(7, fire_id);
      p.exec();
    }
    auto after = select_fire(db, "fire_id = ?", fire_id);
    tx.commit();
    out.applied = true;
    out.fire = std::move(*after);
    return out;
  });
}

Result<std::optional<FireRecord>> FireRepo::try_mark_sent(const std::string& id, int64_t now_ns) {
  return guarded("fire transition", [&]() -> Result<std::optional<FireRecord>> {
    CachedStatement u_cached(db_.sql(), std::string("UPDATE fires SET state = 'SENT', sent_ns = ?1, updated_ns = ?1 "
                                                    "WHERE fire_id = ?2 AND state = 'QUEUED' RETURNING ") + kFireCols);
    SQLite::Statement& u = *u_cached;
    bind_i64(u, 1, now_ns);
    u.bind(2, id);
    if (!u.executeStep()) return std::optional<FireRecord>();
    FireRecord f = read_fire(u);
    // Step to the end: outside a transaction the statement's own one commits here, so a failed
    // commit is an error now rather than lost when the statement is reset.
    while (u.executeStep()) {
    }
    return std::optional<FireRecord>(std::move(f));
  });
}

Result<TransitionResult> FireRepo::mark_sent(const std::string& id, int64_t now_ns) {
  // The router's step before every send, so its common case is one statement: QUEUED -> SENT,
  // atomic on its own, the row after it returned by the same statement. Anything else (already
  // SENT, a state SENT cannot follow, no such fire) takes the general path for its answer.
  auto fast = try_mark_sent(id, now_ns);
  if (!fast) return fast.error();
  if (!*fast) return transition(id, FireState::SENT, {}, now_ns);
  TransitionResult out;
  out.applied = true;
  out.from = FireState::QUEUED;
  out.fire = std::move(**fast);
  return out;
}
Result<TransitionResult> FireRepo::mark_undeliverable(const std::string& id, std::string reason, int64_t now_ns) {
  TransitionData d;
  d.reason = std::move(reason);
  return transition(id, FireState::UNDELIVERABLE, d, now_ns);
}
Result<TransitionResult> FireRepo::mark_filled(const std::string& id, int64_t ticket, double fill_price,
                                               int64_t now_ns) {
  TransitionData d;
  d.ticket = ticket;
  d.fill_price = fill_price;
  return transition(id, FireState::FILLED, d, now_ns);
}
Result<TransitionResult> FireRepo::mark_failed(const std::string& id, std::string reason, int64_t now_ns) {
  TransitionData d;
  d.reason = std::move(reason);
  return transition(id, FireState::FAILED, d, now_ns);
}
Result<TransitionResult> FireRepo::mark_timeout(const std::string& id, int64_t now_ns) {
  TransitionData d;
  d.reason = "no_confirmation";
  return transition(id, FireState::TIMEOUT, d, now_ns);
}
Result<TransitionResult> FireRepo::mark_closed(const std::string& id, const TransitionData& close, int64_t now_ns) {
  return transition(id, FireState::CLOSED, close, now_ns);
}

Result<std::optional<FireRecord>> FireRepo::get(const std::string& fire_id) {
  return guarded("get fire", [&]() -> Result<std::optional<FireRecord>> {
    return select_fire(db_.sql(), "fire_id = ?", fire_id);
  });
}

Result<std::optional<FireRecord>> FireRepo::find_by_key(const std::string& user_id, const std::string& key) {
  return guarded("find fire by key", [&]() -> Result<std::optional<FireRecord>> {
    return select_fire(db_.sql(), "user_id = ? AND idempotency_key = ?", user_id, &key);
  });
}

Result<std::optional<FireRecord>> FireRepo::live_for_mission(const std::string& mission_id) {
  return guarded("live fire for mission", [&]() -> Result<std::optional<FireRecord>> {
    return select_fire(db_.sql(), "mission_id = ? AND state NOT IN ('REJECTED', 'UNDELIVERABLE')", mission_id);
  });
}

Result<std::vector<FireRecord>> FireRepo::stale(FireState state, int64_t cutoff_ns, int limit) {
  return guarded("stale fires", [&]() -> Result<std::vector<FireRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kFireCols +
                                       " FROM fires WHERE state = ? AND updated_ns < ? ORDER BY updated_ns LIMIT ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, std::string(to_string(state)));
    bind_i64(q, 2, cutoff_ns);
    q.bind(3, limit);
    std::vector<FireRecord> out;
    while (q.executeStep()) out.push_back(read_fire(q));
    return out;
  });
}

Result<std::vector<FireRecord>> FireRepo::for_user(const std::string& user_id, int limit,
                                                   std::optional<int64_t> before_ns) {
  return guarded("fires for user", [&]() -> Result<std::vector<FireRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kFireCols +
                                       " FROM fires WHERE user_id = ? AND requested_ns < ? "
                                       "ORDER BY requested_ns DESC, fire_id DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    bind_i64(q, 2, before_ns.value_or(INT64_MAX));
    q.bind(3, limit);
    std::vector<FireRecord> out;
    while (q.executeStep()) out.push_back(read_fire(q));
    return out;
  });
}

Result<std::vector<FireRecord>> FireRepo::recent(int limit, std::optional<int64_t> before_ns) {
  return guarded("recent fires", [&]() -> Result<std::vector<FireRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kFireCols +
                                       " FROM fires WHERE requested_ns < ? "
                                       "ORDER BY requested_ns DESC, fire_id DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, before_ns.value_or(INT64_MAX));
    q.bind(2, limit);
    std::vector<FireRecord> out;
    while (q.executeStep()) out.push_back(read_fire(q));
    return out;
  });
}

Result<std::vector<FireRecord>> FireRepo::in_flight_for_user(const std::string& user_id) {
  return guarded("in-flight fires", [&]() -> Result<std::vector<FireRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kFireCols +
                                       " FROM fires WHERE user_id = ? AND state IN " + kInFlightSql +
                                       " ORDER BY requested_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    std::vector<FireRecord> out;
    while (q.executeStep()) out.push_back(read_fire(q));
    return out;
  });
}

namespace {

std::vector<ExposureRow> read_exposure(SQLite::Statement& q) {
  std::vector<ExposureRow> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()});
  return out;
}

}  // namespace

Result<std::vector<ExposureRow>> FireRepo::open_exposure(const std::string& user_id) {
  return guarded("open exposure", [&]() -> Result<std::vector<ExposureRow>> {
    CachedStatement q(db_.sql(), "SELECT fire_id, symbol, direction FROM positions WHERE user_id = ? AND status = 'OPEN'");
    q->bind(1, user_id);
    return read_exposure(*q);
  });
}

Result<std::vector<ExposureRow>> FireRepo::in_flight_exposure(const std::string& user_id) {
  return guarded("in-flight exposure", [&]() -> Result<std::vector<ExposureRow>> {
    CachedStatement q(db_.sql(), std::string("SELECT fire_id, symbol, direction FROM fires WHERE user_id = ? AND state IN ") +
                                     kInFlightSql);
    q->bind(1, user_id);
    return read_exposure(*q);
  });
}

Result<int> FireRepo::open_fires_count(const std::string& user_id) {
  return guarded("open fires count", [&]() -> Result<int> {
    CachedStatement q_cached(db_.sql(),
                        "SELECT COUNT(*) FROM fires WHERE user_id = ? AND state IN ('REQUESTED', 'QUEUED', 'SENT', "
                        "'FILLED')");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    q.executeStep();
    return q.getColumn(0).getInt();
  });
}

Result<int> FireRepo::slots_used(const std::string& user_id) {
  return guarded("slots used", [&]() -> Result<int> { return count_slots(db_.sql(), user_id); });
}

Result<int> FireRepo::trades_today(const std::string& user_id, int64_t now_ns) {
  return guarded("trades today", [&]() -> Result<int> {
    // A trade is a fire that may have reached the broker: refused, undelivered and broker-failed
    // fires do not count.
    CachedStatement q_cached(db_.sql(),
                        "SELECT COUNT(*) FROM fires WHERE user_id = ? AND requested_ns >= ? AND state IN "
                        "('QUEUED', 'SENT', 'FILLED', 'TIMEOUT', 'CLOSED')");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    bind_i64(q, 2, utc_day_start_ns(now_ns));
    q.executeStep();
    return q.getColumn(0).getInt();
  });
}

Result<double> FireRepo::realized_pnl_today(const std::string& user_id, int64_t now_ns) {
  return guarded("realized pnl today", [&]() -> Result<double> {
    CachedStatement q_cached(db_.sql(),
                        "SELECT COALESCE(SUM(pnl), 0) FROM positions WHERE user_id = ? AND status = 'CLOSED' AND "
                        "closed_ns >= ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    bind_i64(q, 2, utc_day_start_ns(now_ns));
    q.executeStep();
    return q.getColumn(0).getDouble();
  });
}

Result<int64_t> FireRepo::count_active() {
  return guarded("active fires", [&]() -> Result<int64_t> {
    CachedStatement q_cached(db_.sql(), "SELECT COUNT(*) FROM fires WHERE state IN ('QUEUED', 'SENT', 'FILLED')");
    SQLite::Statement& q = *q_cached;
    q.executeStep();
    return i64(q.getColumn(0));
  });
}

Result<std::vector<PositionRecord>> FireRepo::open_positions(const std::string& user_id) {
  return guarded("open positions", [&]() -> Result<std::vector<PositionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kPosCols +
                                       " FROM positions WHERE user_id = ? AND status = 'OPEN' ORDER BY opened_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    std::vector<PositionRecord> out;
    while (q.executeStep()) out.push_back(read_position(q));
    return out;
  });
}

Result<std::vector<PositionRecord>> FireRepo::all_open_positions() {
  return guarded("all open positions", [&]() -> Result<std::vector<PositionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kPosCols +
                                       " FROM positions WHERE status = 'OPEN' ORDER BY symbol, opened_ns");
    SQLite::Statement& q = *q_cached;
    std::vector<PositionRecord> out;
    while (q.executeStep()) out.push_back(read_position(q));
    return out;
  });
}

Result<std::vector<PositionRecord>> FireRepo::positions_for_user(const std::string& user_id, int limit) {
  return guarded("positions for user", [&]() -> Result<std::vector<PositionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kPosCols +
                                       " FROM positions WHERE user_id = ? ORDER BY opened_ns DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    q.bind(2, limit);
    std::vector<PositionRecord> out;
    while (q.executeStep()) out.push_back(read_position(q));
    return out;
  });
}

}  // namespace bitten::store

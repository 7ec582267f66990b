#include "bitten/store/ea_repo.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Transaction.h>

#include "bitten/store/day.hpp"
#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols =
    "uuid, user_id, node_id, account_login, broker, currency, leverage, balance, equity, free_margin, sod_equity, "
    "sod_day, blocked, first_seen_ns, last_seen_ns";

EaInstance read_ea(SQLite::Statement& q) {
  EaInstance e;
  int i = 0;
  e.uuid = q.getColumn(i++).getString();
  e.user_id = opt_str(q.getColumn(i++));
  e.node_id = q.getColumn(i++).getString();
  e.account_login = q.getColumn(i++).getString();
  e.broker = q.getColumn(i++).getString();
  e.currency = q.getColumn(i++).getString();
  e.leverage = i64(q.getColumn(i++));
  e.balance = q.getColumn(i++).getDouble();
  e.equity = q.getColumn(i++).getDouble();
  e.free_margin = q.getColumn(i++).getDouble();
  e.sod_equity = opt_dbl(q.getColumn(i++));
  e.sod_day = opt_i64(q.getColumn(i++));
  e.blocked = q.getColumn(i++).getInt() != 0;
  e.first_seen_ns = i64(q.getColumn(i++));
  e.last_seen_ns = i64(q.getColumn(i++));
  return e;
}

std::optional<EaInstance> select_ea(SQLite::Database& db, const std::string& uuid) {
  CachedStatement q_cached(db, std::string("SELECT ") + kCols + " FROM ea_instances WHERE uuid = ?");
  SQLite::Statement& q = *q_cached;
  q.bind(1, uuid);
  if (!q.executeStep()) return std::nullopt;
  return read_ea(q);
}
}  // namespace

Result<EaInstance> EaRepo::upsert(const EaReport& r) {
  return guarded("upsert ea", [&]() -> Result<EaInstance> {
    if (r.uuid.empty()) return make_error("bad_input", "upsert ea: empty uuid");
    auto& db = db_.sql();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    CachedStatement q_cached(db, R"SQL(
INSERT INTO ea_instances (uuid, node_id, account_login, broker, currency, leverage, balance, equity, free_margin,
                          sod_equity, sod_day, first_seen_ns, last_seen_ns)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?10, ?11, ?11)
ON CONFLICT(uuid) DO UPDATE SET
  node_id = COALESCE(NULLIF(excluded.node_id, ''), node_id),
  account_login = COALESCE(NULLIF(excluded.account_login, ''), account_login),
  broker = COALESCE(NULLIF(excluded.broker, ''), broker),
  currency = COALESCE(NULLIF(excluded.currency, ''), currency),
  leverage = CASE WHEN excluded.leverage > 0 THEN excluded.leverage ELSE leverage END,
  balance = excluded.balance,
  equity = excluded.equity,
  free_margin = excluded.free_margin,
  sod_equity = CASE WHEN sod_day IS NULL OR sod_day < excluded.sod_day THEN excluded.equity ELSE sod_equity END,
  sod_day = CASE WHEN sod_day IS NULL OR sod_day < excluded.sod_day THEN excluded.sod_day ELSE sod_day END,
  last_seen_ns = MAX(last_seen_ns, excluded.last_seen_ns)
)SQL");
    SQLite::Statement& q = *q_cached;
    q.bind(1, r.uuid);
    q.bind(2, r.node_id);
    q.bind(3, r.account_login);
    q.bind(4, r.broker);
    q.bind(5, r.currency);
    bind_i64(q, 6, r.leverage);
    q.bind(7, r.balance);
    q.bind(8, r.equity);
    q.bind(9, r.free_margin);
    bind_i64(q, 10, utc_day(r.seen_ns));
    bind_i64(q, 11, r.seen_ns);
    q.exec();
    auto e = select_ea(db, r.uuid);
    tx.commit();
    return *e;
  });
}

Status EaRepo::bind_user(const std::string& uuid, const std::optional<std::string>& user_id) {
  return guarded("bind ea", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE ea_instances SET user_id = ? WHERE uuid = ?");
    SQLite::Statement& q = *q_cached;
    bind_opt(q, 1, user_id);
    q.bind(2, uuid);
    if (q.exec() != 1) return make_error("ea_not_found", "no EA with uuid " + uuid);
    return ok_status();
  });
}

Status EaRepo::set_blocked(const std::string& uuid, bool blocked) {
  return guarded("block ea", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE ea_instances SET blocked = ? WHERE uuid = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, blocked ? 1 : 0);
    q.bind(2, uuid);
    if (q.exec() != 1) return make_error("ea_not_found", "no EA with uuid " + uuid);
    return ok_status();
  });
}

Result<std::optional<EaInstance>> EaRepo::get(const std::string& uuid) {
  return guarded("get ea", [&]() -> Result<std::optional<EaInstance>> { return select_ea(db_.sql(), uuid); });
}

Result<std::optional<EaInstance>> EaRepo::for_user(const std::string& user_id) {
  return guarded("ea for user", [&]() -> Result<std::optional<EaInstance>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols +
                                       " FROM ea_instances WHERE user_id = ? ORDER BY last_seen_ns DESC LIMIT 1");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    if (!q.executeStep()) return std::optional<EaInstance>{};
    return std::optional<EaInstance>(read_ea(q));
  });
}

Result<std::vector<EaInstance>> EaRepo::list_all() {
  return guarded("list eas", [&]() -> Result<std::vector<EaInstance>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM ea_instances ORDER BY last_seen_ns DESC");
    SQLite::Statement& q = *q_cached;
    std::vector<EaInstance> out;
    while (q.executeStep()) out.push_back(read_ea(q));
    return out;
  });
}

Result<int64_t> EaRepo::count_seen_since(int64_t since_ns) {
  return guarded("count eas", [&]() -> Result<int64_t> {
    CachedStatement q_cached(db_.sql(), "SELECT COUNT(*) FROM ea_instances WHERE last_seen_ns >= ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, since_ns);
    q.executeStep();
    return i64(q.getColumn(0));
  });
}

}  // namespace bitten::store

#include "bitten/store/mission_repo.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Transaction.h>

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols = "mission_id, user_id, signal_id, lot_preview, created_ns, expires_ns";

MissionRecord read_mission(SQLite::Statement& q) {
  MissionRecord m;
  m.mission_id = q.getColumn(0).getString();
  m.user_id = q.getColumn(1).getString();
  m.signal_id = q.getColumn(2).getString();
  m.lot_preview = q.getColumn(3).getDouble();
  m.created_ns = i64(q.getColumn(4));
  m.expires_ns = i64(q.getColumn(5));
  return m;
}
}  // namespace

Result<MissionCreated> MissionRepo::create(const MissionRecord& m) {
  return guarded("create mission", [&]() -> Result<MissionCreated> {
    SQLite::Transaction tx(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
    CachedStatement ins_cached(db_.sql(), std::string("INSERT INTO missions (") + kCols +
                                         ") VALUES (?,?,?,?,?,?) ON CONFLICT(user_id, signal_id) DO NOTHING");
    SQLite::Statement& ins = *ins_cached;
    ins.bind(1, m.mission_id);
    ins.bind(2, m.user_id);
    ins.bind(3, m.signal_id);
    ins.bind(4, m.lot_preview);
    bind_i64(ins, 5, m.created_ns);
    bind_i64(ins, 6, m.expires_ns);
    const bool created = ins.exec() == 1;
    CachedStatement q_cached(db_.sql(),
                        std::string("SELECT ") + kCols + " FROM missions WHERE user_id = ? AND signal_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, m.user_id);
    q.bind(2, m.signal_id);
    if (!q.executeStep()) return make_error("db_error", "create mission: row vanished");
    MissionCreated out{read_mission(q), created};
    tx.commit();
    return out;
  });
}

Result<std::optional<MissionRecord>> MissionRepo::get(const std::string& id) {
  return guarded("get mission", [&]() -> Result<std::optional<MissionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM missions WHERE mission_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, id);
    if (!q.executeStep()) return std::optional<MissionRecord>{};
    return std::optional<MissionRecord>(read_mission(q));
  });
}

Result<std::optional<MissionRecord>> MissionRepo::find(const std::string& user_id, const std::string& signal_id) {
  return guarded("find mission", [&]() -> Result<std::optional<MissionRecord>> {
    CachedStatement q_cached(db_.sql(),
                        std::string("SELECT ") + kCols + " FROM missions WHERE user_id = ? AND signal_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    q.bind(2, signal_id);
    if (!q.executeStep()) return std::optional<MissionRecord>{};
    return std::optional<MissionRecord>(read_mission(q));
  });
}

Result<std::vector<MissionRecord>> MissionRepo::for_signal(const std::string& signal_id) {
  return guarded("missions for signal", [&]() -> Result<std::vector<MissionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM missions WHERE signal_id = ? ORDER BY user_id");
    SQLite::Statement& q = *q_cached;
    q.bind(1, signal_id);
    std::vector<MissionRecord> out;
    while (q.executeStep()) out.push_back(read_mission(q));
    return out;
  });
}

Result<std::vector<MissionRecord>> MissionRepo::active_for_user(const std::string& user_id, int64_t now_ns,
                                                                int limit) {
  return guarded("active missions", [&]() -> Result<std::vector<MissionRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols +
                                       " FROM missions WHERE user_id = ? AND expires_ns > ? "
                                       "ORDER BY created_ns DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    bind_i64(q, 2, now_ns);
    q.bind(3, limit);
    std::vector<MissionRecord> out;
    while (q.executeStep()) out.push_back(read_mission(q));
    return out;
  });
}

}  // namespace bitten::store

#include "bitten/store/model_repo.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Transaction.h>

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols = "version, path, created_ns, metrics_json, threshold, is_current, promoted_ns, rolled_back_ns";

ModelRecord read_model(SQLite::Statement& q) {
  ModelRecord m;
  m.version = q.getColumn(0).getString();
  m.path = q.getColumn(1).getString();
  m.created_ns = i64(q.getColumn(2));
  m.metrics_json = q.getColumn(3).getString();
  m.threshold = q.getColumn(4).getDouble();
  m.is_current = q.getColumn(5).getInt() != 0;
  m.promoted_ns = opt_i64(q.getColumn(6));
  m.rolled_back_ns = opt_i64(q.getColumn(7));
  return m;
}

std::optional<ModelRecord> select_one(SQLite::Database& db, const std::string& where, const std::string* arg) {
  CachedStatement q_cached(db, std::string("SELECT ") + kCols + " FROM models WHERE " + where + " LIMIT 1");
  SQLite::Statement& q = *q_cached;
  if (arg) q.bind(1, *arg);
  if (!q.executeStep()) return std::nullopt;
  return read_model(q);
}
}  // namespace

Status ModelRepo::add(const ModelRecord& m) {
  return guarded("add model", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), std::string("INSERT INTO models (") + kCols + ") VALUES (?,?,?,?,?,0,NULL,NULL)");
    SQLite::Statement& q = *q_cached;
    q.bind(1, m.version);
    q.bind(2, m.path);
    bind_i64(q, 3, m.created_ns);
    q.bind(4, m.metrics_json);
    q.bind(5, m.threshold);
    q.exec();
    return ok_status();
  });
}

Result<std::optional<ModelRecord>> ModelRepo::get(const std::string& version) {
  return guarded("get model", [&]() -> Result<std::optional<ModelRecord>> {
    return select_one(db_.sql(), "version = ?", &version);
  });
}

Result<std::optional<ModelRecord>> ModelRepo::current() {
  return guarded("current model", [&]() -> Result<std::optional<ModelRecord>> {
    return select_one(db_.sql(), "is_current = 1", nullptr);
  });
}

Result<std::vector<ModelRecord>> ModelRepo::list_all() {
  return guarded("list models", [&]() -> Result<std::vector<ModelRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM models ORDER BY created_ns DESC, version DESC");
    SQLite::Statement& q = *q_cached;
    std::vector<ModelRecord> out;
    while (q.executeStep()) out.push_back(read_model(q));
    return out;
  });
}

Status ModelRepo::promote(const std::string& version, int64_t now_ns) {
  return guarded("promote model", [&]() -> Status {
    auto& db = db_.sql();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (!select_one(db, "version = ?", &version)) return make_error("model_not_found", "no model " + version);
    db.exec("UPDATE models SET is_current = 0 WHERE is_current = 1");
    CachedStatement q_cached(db, "UPDATE models SET is_current = 1, promoted_ns = ?, rolled_back_ns = NULL WHERE version = ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, now_ns);
    q.bind(2, version);
    q.exec();
    tx.commit();
    return ok_status();
  });
}

Result<std::string> ModelRepo::rollback(int64_t now_ns) {
  return guarded("rollback model", [&]() -> Result<std::string> {
    auto& db = db_.sql();
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto cur = select_one(db, "is_current = 1", nullptr);
    if (!cur) return make_error("no_current_model", "no model is current");
    CachedStatement q_cached(db, std::string("SELECT ") + kCols +
                                " FROM models WHERE is_current = 0 AND promoted_ns IS NOT NULL AND rolled_back_ns IS "
                                "NULL ORDER BY promoted_ns DESC LIMIT 1");
    SQLite::Statement& q = *q_cached;
    if (!q.executeStep()) return make_error("no_previous_model", "no earlier promoted model to roll back to");
    const std::string prev = q.getColumn(0).getString();
    q.reset();
    CachedStatement off_cached(db, "UPDATE models SET is_current = 0, rolled_back_ns = ? WHERE version = ?");
    SQLite::Statement& off = *off_cached;
    bind_i64(off, 1, now_ns);
    off.bind(2, cur->version);
    off.exec();
    CachedStatement on_cached(db, "UPDATE models SET is_current = 1 WHERE version = ?");
    SQLite::Statement& on = *on_cached;
    on.bind(1, prev);
    on.exec();
    tx.commit();
    return prev;
  });
}

}  // namespace bitten::store

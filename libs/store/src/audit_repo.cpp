#include "bitten/store/audit_repo.hpp"
#include "statement_cache.hpp"

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

Result<int64_t> AuditRepo::append(const AuditEntry& e) {
  return guarded("audit append", [&]() -> Result<int64_t> {
    CachedStatement q_cached(db_.sql(), "INSERT INTO audit_log (ts_ns, actor, action, target, detail_json) VALUES (?,?,?,?,?)");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, e.ts_ns);
    q.bind(2, e.actor);
    q.bind(3, e.action);
    q.bind(4, e.target);
    q.bind(5, e.detail_json);
    q.exec();
    return static_cast<int64_t>(db_.sql().getLastInsertRowid());
  });
}

Result<std::vector<AuditEntry>> AuditRepo::recent(int limit) {
  return guarded("audit recent", [&]() -> Result<std::vector<AuditEntry>> {
    CachedStatement q_cached(db_.sql(),
                        "SELECT audit_id, ts_ns, actor, action, target, detail_json FROM audit_log "
                        "ORDER BY audit_id DESC LIMIT ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, limit);
    std::vector<AuditEntry> out;
    while (q.executeStep())
      out.push_back({i64(q.getColumn(0)), i64(q.getColumn(1)), q.getColumn(2).getString(), q.getColumn(3).getString(),
                     q.getColumn(4).getString(), q.getColumn(5).getString()});
    return out;
  });
}

}  // namespace bitten::store

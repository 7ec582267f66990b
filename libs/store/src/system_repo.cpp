#include "bitten/store/system_repo.hpp"
#include "statement_cache.hpp"

#include <nlohmann/json.hpp>

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

Result<HaltState> SystemRepo::global_halt() {
  return guarded("global halt", [&]() -> Result<HaltState> {
    CachedStatement q_cached(db_.sql(), "SELECT value, updated_ns, updated_by FROM system_flags WHERE name = 'global_halt'");
    SQLite::Statement& q = *q_cached;
    HaltState h;
    if (!q.executeStep()) return h;
    auto j = nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false);
    // An unreadable flag fails safe: halted.
    h.halted = j.is_discarded() ? true : j.value("halted", true);
    h.reason = j.is_discarded() ? "unreadable flag" : j.value("reason", "");
    h.since_ns = i64(q.getColumn(1));
    h.by = q.getColumn(2).getString();
    return h;
  });
}

Status SystemRepo::set_global_halt(bool halted, const std::string& reason, const std::string& by, int64_t now_ns) {
  return guarded("set global halt", [&]() -> Status {
    CachedStatement q_cached(db_.sql(),
                        "INSERT INTO system_flags (name, value, updated_ns, updated_by) VALUES ('global_halt', ?, ?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_ns = excluded.updated_ns, "
                        "updated_by = excluded.updated_by");
    SQLite::Statement& q = *q_cached;
    q.bind(1, nlohmann::json{{"halted", halted}, {"reason", reason}}.dump());
    bind_i64(q, 2, now_ns);
    q.bind(3, by);
    q.exec();
    return ok_status();
  });
}

}  // namespace bitten::store

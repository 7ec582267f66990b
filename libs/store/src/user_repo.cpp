#include "bitten/store/user_repo.hpp"
#include "statement_cache.hpp"

#include "bitten/store/errors.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kCols =
    "user_id, telegram_id, display_name, tier, role, halted, halt_reason, created_ns, updated_ns";

UserRecord read_user(SQLite::Statement& q) {
  UserRecord u;
  u.user_id = q.getColumn(0).getString();
  u.telegram_id = opt_i64(q.getColumn(1));
  u.display_name = q.getColumn(2).getString();
  u.tier = q.getColumn(3).getString();
  u.role = q.getColumn(4).getString();
  u.halted = q.getColumn(5).getInt() != 0;
  u.halt_reason = q.getColumn(6).isNull() ? "" : q.getColumn(6).getString();
  u.created_ns = i64(q.getColumn(7));
  u.updated_ns = i64(q.getColumn(8));
  return u;
}

Status expect_one(int changed, const std::string& user_id) {
  if (changed != 1) return make_error("user_not_found", "no user " + user_id);
  return ok_status();
}
}  // namespace

Status UserRepo::create(const UserRecord& u) {
  return guarded("create user", [&]() -> Status {
    if (u.user_id.empty() || u.tier.empty()) return make_error("bad_input", "create user: user_id and tier are required");
    CachedStatement q_cached(db_.sql(), std::string("INSERT INTO users (") + kCols + ") VALUES (?,?,?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_cached;
    q.bind(1, u.user_id);
    bind_opt(q, 2, u.telegram_id);
    q.bind(3, u.display_name);
    q.bind(4, u.tier);
    q.bind(5, u.role);
    q.bind(6, u.halted ? 1 : 0);
    if (u.halt_reason.empty()) q.bind(7); else q.bind(7, u.halt_reason);
    bind_i64(q, 8, u.created_ns);
    bind_i64(q, 9, u.updated_ns ? u.updated_ns : u.created_ns);
    q.exec();
    return ok_status();
  });
}

Result<std::optional<UserRecord>> UserRepo::get(const std::string& user_id) {
  return guarded("get user", [&]() -> Result<std::optional<UserRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM users WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    if (!q.executeStep()) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(read_user(q));
  });
}

Result<std::optional<UserRecord>> UserRepo::by_telegram(int64_t telegram_id) {
  return guarded("user by telegram", [&]() -> Result<std::optional<UserRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM users WHERE telegram_id = ?");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, telegram_id);
    if (!q.executeStep()) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(read_user(q));
  });
}

Result<std::vector<UserRecord>> UserRepo::list_all() {
  return guarded("list users", [&]() -> Result<std::vector<UserRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kCols + " FROM users ORDER BY created_ns, user_id");
    SQLite::Statement& q = *q_cached;
    std::vector<UserRecord> out;
    while (q.executeStep()) out.push_back(read_user(q));
    return out;
  });
}

Status UserRepo::set_tier(const std::string& user_id, const std::string& tier, int64_t now_ns) {
  return guarded("set tier", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE users SET tier = ?, updated_ns = ? WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, tier);
    bind_i64(q, 2, now_ns);
    q.bind(3, user_id);
    return expect_one(q.exec(), user_id);
  });
}

Status UserRepo::set_role(const std::string& user_id, const std::string& role, int64_t now_ns) {
  return guarded("set role", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE users SET role = ?, updated_ns = ? WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, role);
    bind_i64(q, 2, now_ns);
    q.bind(3, user_id);
    return expect_one(q.exec(), user_id);
  });
}

Status UserRepo::set_halted(const std::string& user_id, bool halted, const std::string& reason, int64_t now_ns) {
  return guarded("set halted", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE users SET halted = ?, halt_reason = ?, updated_ns = ? WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, halted ? 1 : 0);
    if (halted) q.bind(2, reason); else q.bind(2);
    bind_i64(q, 3, now_ns);
    q.bind(4, user_id);
    return expect_one(q.exec(), user_id);
  });
}

Result<std::string> UserRepo::mode(const std::string& user_id) {
  return guarded("user mode", [&]() -> Result<std::string> {
    CachedStatement q_cached(db_.sql(), "SELECT mode FROM user_modes WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    if (!q.executeStep()) return std::string("SELECT");
    return q.getColumn(0).getString();
  });
}

Status UserRepo::set_mode(const std::string& user_id, const std::string& mode, int64_t now_ns) {
  return guarded("set mode", [&]() -> Status {
    if (mode != "SELECT" && mode != "AUTO") return make_error("bad_input", "mode must be SELECT or AUTO");
    // An upsert of the one column (the original's INSERT OR REPLACE reset the other columns).
    CachedStatement q_cached(db_.sql(),
                        "INSERT INTO user_modes (user_id, mode, updated_ns) VALUES (?, ?, ?) "
                        "ON CONFLICT(user_id) DO UPDATE SET mode = excluded.mode, updated_ns = excluded.updated_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    q.bind(2, mode);
    bind_i64(q, 3, now_ns);
    q.exec();
    return ok_status();
  });
}

Result<std::vector<std::string>> UserRepo::users_in_mode(const std::string& mode) {
  return guarded("users in mode", [&]() -> Result<std::vector<std::string>> {
    CachedStatement q_cached(db_.sql(), "SELECT user_id FROM user_modes WHERE mode = ? ORDER BY user_id");
    SQLite::Statement& q = *q_cached;
    q.bind(1, mode);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  });
}

Result<std::optional<double>> UserRepo::auto_min_probability(const std::string& user_id) {
  return guarded("auto min probability", [&]() -> Result<std::optional<double>> {
    CachedStatement q_cached(db_.sql(), "SELECT auto_min_probability FROM user_modes WHERE user_id = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    if (!q.executeStep() || q.getColumn(0).isNull()) return std::optional<double>{};
    return std::optional<double>(q.getColumn(0).getDouble());
  });
}

Status UserRepo::set_auto_min_probability(const std::string& user_id, std::optional<double> p, int64_t now_ns) {
  return guarded("set auto min probability", [&]() -> Status {
    if (p && !(*p >= kMinAutoProbability && *p <= kMaxAutoProbability))
      return make_error("bad_input", "auto_min_probability must be within [0.5, 0.99]");
    CachedStatement q_cached(db_.sql(),
                        "INSERT INTO user_modes (user_id, mode, auto_min_probability, updated_ns) VALUES (?, 'SELECT', ?, ?) "
                        "ON CONFLICT(user_id) DO UPDATE SET auto_min_probability = excluded.auto_min_probability, "
                        "updated_ns = excluded.updated_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    if (p) q.bind(2, *p); else q.bind(2);
    bind_i64(q, 3, now_ns);
    q.exec();
    return ok_status();
  });
}

}  // namespace bitten::store

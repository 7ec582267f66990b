#include "bitten/store/auth_repo.hpp"
#include "statement_cache.hpp"

#include "bitten/store/errors.hpp"
#include "bitten/store/sha256.hpp"
#include "sql_util.hpp"

namespace bitten::store {

using namespace detail;

namespace {
constexpr const char* kTokCols = "token_id, user_id, name, token_hash, created_ns, last_used_ns, revoked_ns";

ApiTokenRecord read_token(SQLite::Statement& q) {
  ApiTokenRecord t;
  t.token_id = q.getColumn(0).getString();
  t.user_id = q.getColumn(1).getString();
  t.name = q.getColumn(2).getString();
  t.token_hash = q.getColumn(3).getString();
  t.created_ns = i64(q.getColumn(4));
  t.last_used_ns = opt_i64(q.getColumn(5));
  t.revoked_ns = opt_i64(q.getColumn(6));
  return t;
}
}  // namespace

Result<NewApiToken> AuthRepo::create_api_token(const std::string& user_id, const std::string& name, int64_t now_ns) {
  return guarded("create api token", [&]() -> Result<NewApiToken> {
    NewApiToken out;
    out.token = "bt_" + random_hex(32);
    out.record.token_id = "tok_" + random_hex(8);
    out.record.user_id = user_id;
    out.record.name = name;
    out.record.token_hash = sha256_hex(out.token);
    out.record.created_ns = now_ns;
    CachedStatement q_cached(db_.sql(), std::string("INSERT INTO api_tokens (") + kTokCols + ") VALUES (?,?,?,?,?,NULL,NULL)");
    SQLite::Statement& q = *q_cached;
    q.bind(1, out.record.token_id);
    q.bind(2, user_id);
    q.bind(3, name);
    q.bind(4, out.record.token_hash);
    bind_i64(q, 5, now_ns);
    q.exec();
    return out;
  });
}

Result<std::optional<ApiTokenRecord>> AuthRepo::verify_api_token(const std::string& token, int64_t now_ns) {
  return guarded("verify api token", [&]() -> Result<std::optional<ApiTokenRecord>> {
    const std::string h = sha256_hex(token);
    CachedStatement q_cached(db_.sql(),
                        std::string("SELECT ") + kTokCols + " FROM api_tokens WHERE token_hash = ? AND revoked_ns IS NULL");
    SQLite::Statement& q = *q_cached;
    q.bind(1, h);
    if (!q.executeStep()) return std::optional<ApiTokenRecord>{};
    ApiTokenRecord t = read_token(q);
    q.reset();
    CachedStatement u_cached(db_.sql(), "UPDATE api_tokens SET last_used_ns = ? WHERE token_id = ?");
    SQLite::Statement& u = *u_cached;
    bind_i64(u, 1, now_ns);
    u.bind(2, t.token_id);
    u.exec();
    t.last_used_ns = now_ns;
    return std::optional<ApiTokenRecord>(std::move(t));
  });
}

Result<std::optional<ApiTokenRecord>> AuthRepo::verify_api_token(const std::string& token, int64_t now_ns,
                                                                  int64_t touch_after_ns) {
  return guarded("verify api token", [&]() -> Result<std::optional<ApiTokenRecord>> {
    const std::string h = sha256_hex(token);
    CachedStatement q_cached(db_.sql(),
                        std::string("SELECT ") + kTokCols + " FROM api_tokens WHERE token_hash = ? AND revoked_ns IS NULL");
    SQLite::Statement& q = *q_cached;
    q.bind(1, h);
    if (!q.executeStep()) return std::optional<ApiTokenRecord>{};
    ApiTokenRecord t = read_token(q);
    q.reset();
    if (!t.last_used_ns || now_ns - *t.last_used_ns >= touch_after_ns) {
      CachedStatement u_cached(db_.sql(), "UPDATE api_tokens SET last_used_ns = ? WHERE token_id = ?");
      SQLite::Statement& u = *u_cached;
      bind_i64(u, 1, now_ns);
      u.bind(2, t.token_id);
      u.exec();
      t.last_used_ns = now_ns;
    }
    return std::optional<ApiTokenRecord>(std::move(t));
  });
}

Status AuthRepo::revoke_api_token(const std::string& token_id, int64_t now_ns) {
  return guarded("revoke api token", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE api_tokens SET revoked_ns = ? WHERE token_id = ? AND revoked_ns IS NULL");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, now_ns);
    q.bind(2, token_id);
    if (q.exec() != 1) return make_error("token_not_found", "no live token " + token_id);
    return ok_status();
  });
}

Result<std::vector<ApiTokenRecord>> AuthRepo::tokens_for_user(const std::string& user_id) {
  return guarded("tokens for user", [&]() -> Result<std::vector<ApiTokenRecord>> {
    CachedStatement q_cached(db_.sql(), std::string("SELECT ") + kTokCols + " FROM api_tokens WHERE user_id = ? ORDER BY created_ns");
    SQLite::Statement& q = *q_cached;
    q.bind(1, user_id);
    std::vector<ApiTokenRecord> out;
    while (q.executeStep()) out.push_back(read_token(q));
    return out;
  });
}

Result<std::string> AuthRepo::create_session(const std::string& user_id, int64_t now_ns, int64_t ttl_ns) {
  return guarded("create session", [&]() -> Result<std::string> {
    std::string cookie = random_hex(32);
    CachedStatement q_cached(db_.sql(),
                        "INSERT INTO sessions (token_hash, user_id, created_ns, expires_ns, revoked) VALUES (?,?,?,?,0)");
    SQLite::Statement& q = *q_cached;
    q.bind(1, sha256_hex(cookie));
    q.bind(2, user_id);
    bind_i64(q, 3, now_ns);
    bind_i64(q, 4, now_ns + ttl_ns);
    q.exec();
    return cookie;
  });
}

Result<std::optional<SessionRecord>> AuthRepo::verify_session(const std::string& cookie, int64_t now_ns) {
  return guarded("verify session", [&]() -> Result<std::optional<SessionRecord>> {
    CachedStatement q_cached(db_.sql(),
                        "SELECT token_hash, user_id, created_ns, expires_ns, revoked FROM sessions "
                        "WHERE token_hash = ? AND revoked = 0 AND expires_ns > ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, sha256_hex(cookie));
    bind_i64(q, 2, now_ns);
    if (!q.executeStep()) return std::optional<SessionRecord>{};
    SessionRecord s{q.getColumn(0).getString(), q.getColumn(1).getString(), i64(q.getColumn(2)),
                    i64(q.getColumn(3)), q.getColumn(4).getInt() != 0};
    return std::optional<SessionRecord>(std::move(s));
  });
}

Status AuthRepo::revoke_session(const std::string& cookie) {
  return guarded("revoke session", [&]() -> Status {
    CachedStatement q_cached(db_.sql(), "UPDATE sessions SET revoked = 1 WHERE token_hash = ?");
    SQLite::Statement& q = *q_cached;
    q.bind(1, sha256_hex(cookie));
    q.exec();
    return ok_status();
  });
}

Result<int> AuthRepo::purge_expired_sessions(int64_t now_ns) {
  return guarded("purge sessions", [&]() -> Result<int> {
    CachedStatement q_cached(db_.sql(), "DELETE FROM sessions WHERE expires_ns <= ? OR revoked = 1");
    SQLite::Statement& q = *q_cached;
    bind_i64(q, 1, now_ns);
    return q.exec();
  });
}

}  // namespace bitten::store

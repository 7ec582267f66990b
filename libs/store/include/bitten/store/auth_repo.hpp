#pragma once
// sessions and api_tokens. Secrets are returned to the caller once and stored only as SHA-256.
#include <optional>
#include <vector>

#include "bitten/core/result.hpp"
#include "bitten/store/database.hpp"
#include "bitten/store/records.hpp"

namespace bitten::store {

struct NewApiToken {
  ApiTokenRecord record;
  std::string token;  // "bt_" + 64 hex characters; shown once, never stored
};

class AuthRepo {
 public:
  explicit AuthRepo(Database& db) : db_(db) {}

  Result<NewApiToken> create_api_token(const std::string& user_id, const std::string& name, int64_t now_ns);
  // The live (not revoked) token with this value; records last use.
  Result<std::optional<ApiTokenRecord>> verify_api_token(const std::string& token, int64_t now_ns);
  // The same check, but last use is written only when the stored value is older than touch_after_ns
  // (a busy API client otherwise costs one write transaction per request).
  Result<std::optional<ApiTokenRecord>> verify_api_token(const std::string& token, int64_t now_ns,
                                                         int64_t touch_after_ns);
  Status revoke_api_token(const std::string& token_id, int64_t now_ns);
  Result<std::vector<ApiTokenRecord>> tokens_for_user(const std::string& user_id);

  // Returns the cookie value (64 hex characters); only its hash is stored.
  Result<std::string> create_session(const std::string& user_id, int64_t now_ns, int64_t ttl_ns);
  Result<std::optional<SessionRecord>> verify_session(const std::string& cookie, int64_t now_ns);
  Status revoke_session(const std::string& cookie);
  Result<int> purge_expired_sessions(int64_t now_ns);

 private:
  Database& db_;
};

}  // namespace bitten::store

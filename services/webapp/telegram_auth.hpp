#pragma once
// Telegram sign-in, verified exactly as Telegram documents it:
//  - Login Widget: data-check-string = every received field except `hash`, as "key=value" lines
//    sorted by key and joined by '\n'; secret = SHA256(bot_token); hash = hex(HMAC_SHA256(secret, dcs)).
//    https://core.telegram.org/widgets/login#checking-authorization
//  - WebApp initData (a query string): the same data-check-string over the url-decoded fields;
//    secret = HMAC_SHA256(key "WebAppData", bot_token); hash = hex(HMAC_SHA256(secret, dcs)).
//    https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app
// Both also require auth_date within the configured window, and a payload is accepted only once
// (ReplayGuard), so a captured payload cannot be replayed for a second session.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "bitten/core/result.hpp"

namespace bitten::webapp {

struct TelegramIdentity {
  int64_t telegram_id = 0;
  std::string first_name;
  std::string last_name;
  std::string username;
  int64_t auth_date = 0;  // seconds since the epoch
  std::string hash;       // the verified hash (the replay key)
};

struct TelegramCheck {
  std::string_view bot_token;
  int64_t now_s = 0;
  int64_t max_age_s = 600;
  int64_t max_future_skew_s = 60;
};

std::string telegram_data_check_string(const std::map<std::string, std::string>& fields);
// The hashes a genuine Telegram payload carries (tests and tools sign payloads with these).
std::string telegram_login_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token);
std::string telegram_webapp_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token);

// Error codes: "bad_payload" (missing/malformed fields), "bad_hash", "auth_expired".
Result<TelegramIdentity> verify_login_widget(const std::map<std::string, std::string>& fields,
                                             const TelegramCheck& check);
Result<TelegramIdentity> verify_webapp_init_data(std::string_view init_data, const TelegramCheck& check);

// Remembers verified payload hashes until their auth_date leaves the window.
class ReplayGuard {
 public:
  // false when this hash was already used (a replay); true records it.
  bool first_use(const std::string& hash, int64_t expires_s, int64_t now_s);
  size_t size() const { return seen_.size(); }

 private:
  std::map<std::string, int64_t> seen_;
};

}  // namespace bitten::webapp

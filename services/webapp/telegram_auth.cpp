#include "telegram_auth.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "crypto.hpp"
#include "url.hpp"

namespace bitten::webapp {

namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Status check_hash_and_age(const std::map<std::string, std::string>& fields, const std::string& expected_hash,
                          const TelegramCheck& check) {
  auto it = fields.find("hash");
  if (it == fields.end() || it->second.size() != 64) return make_error("bad_payload", "hash missing or malformed");
  if (check.bot_token.empty()) return make_error("bad_hash", "no bot token configured");
  if (!crypto::constant_time_equal(it->second, expected_hash)) return make_error("bad_hash", "hash does not verify");
  auto ad = fields.find("auth_date");
  auto auth_date = ad == fields.end() ? std::nullopt : parse_int(ad->second);
  if (!auth_date) return make_error("bad_payload", "auth_date missing or malformed");
  // Compared without subtracting the signed value (INT64_MIN - now overflows).
  if (*auth_date < check.now_s - check.max_age_s) return make_error("auth_expired", "auth_date is too old");
  if (*auth_date > check.now_s + check.max_future_skew_s) return make_error("auth_expired", "auth_date is in the future");
  return ok_status();
}

}  // namespace

std::string telegram_data_check_string(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {  // std::map iterates in key order
    if (k == "hash") continue;
    if (!out.empty()) out.push_back('\n');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string telegram_login_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token) {
  return crypto::hmac_sha256_hex(crypto::sha256_raw(bot_token), telegram_data_check_string(fields));
}

std::string telegram_webapp_hash(const std::map<std::string, std::string>& fields, std::string_view bot_token) {
  return crypto::hmac_sha256_hex(crypto::hmac_sha256_raw("WebAppData", bot_token), telegram_data_check_string(fields));
}

Result<TelegramIdentity> verify_login_widget(const std::map<std::string, std::string>& fields,
                                             const TelegramCheck& check) {
  if (auto st = check_hash_and_age(fields, telegram_login_hash(fields, check.bot_token), check); !st) return st.error();
  TelegramIdentity id;
  auto tid = fields.count("id") ? parse_int(fields.at("id")) : std::nullopt;
  if (!tid || *tid <= 0) return make_error("bad_payload", "id missing or malformed");
  id.telegram_id = *tid;
  if (fields.count("first_name")) id.first_name = fields.at("first_name");
  if (fields.count("last_name")) id.last_name = fields.at("last_name");
  if (fields.count("username")) id.username = fields.at("username");
  id.auth_date = *parse_int(fields.at("auth_date"));
  id.hash = fields.at("hash");
  return id;
}

Result<TelegramIdentity> verify_webapp_init_data(std::string_view init_data, const TelegramCheck& check) {
  std::map<std::string, std::string> fields;
  for (auto& [k, v] : parse_query_pairs(init_data)) {
    if (fields.count(k)) return make_error("bad_payload", "repeated field " + k);
    fields[k] = v;
  }
  if (auto st = check_hash_and_age(fields, telegram_webapp_hash(fields, check.bot_token), check); !st) return st.error();
  auto user = fields.find("user");
  if (user == fields.end()) return make_error("bad_payload", "user missing");
  auto j = nlohmann::json::parse(user->second, nullptr, false);
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer())
    return make_error("bad_payload", "user is not an object with an integer id");
  TelegramIdentity id;
  id.telegram_id = j["id"].get<int64_t>();
  if (id.telegram_id <= 0) return make_error("bad_payload", "bad user id");
  for (const char* key : {"first_name", "last_name", "username"})
    if (j.contains(key) && !j[key].is_string()) return make_error("bad_payload", std::string(key) + " is not a string");
  id.first_name = j.value("first_name", "");
  id.last_name = j.value("last_name", "");
  id.username = j.value("username", "");
  id.auth_date = *parse_int(fields.at("auth_date"));
  id.hash = fields.at("hash");
  return id;
}

bool ReplayGuard::first_use(const std::string& hash, int64_t expires_s, int64_t now_s) {
  for (auto it = seen_.begin(); it != seen_.end();) it = it->second < now_s ? seen_.erase(it) : std::next(it);
  return seen_.emplace(hash, expires_s).second;
}

}  // namespace bitten::webapp

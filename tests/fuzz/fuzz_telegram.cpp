// Telegram sign-in data, as the webapp receives it (services/webapp/telegram_auth.cpp):
//  - the input as WebApp initData (POST /auth/webapp's init_data),
//  - the input as the Login Widget's redirect query (GET /auth/telegram/callback?...),
//  - the input as the Login Widget's JSON body (POST /auth/telegram), read as App::auth_telegram does.
// Every "@HASH@" in the input is first replaced by the hash Telegram would have sent for those
// fields (signed with the test bot token), so the checks after the HMAC (auth_date window, id, the
// user JSON) are fuzzed too; "@NOW@" becomes the harness's clock. Errors go through the App's
// error_response, as they do in the webapp.
//
// Checks: a verified payload has a positive id, its own 64-hex hash and an auth_date inside the
// window; it does not verify under another bot token or as the other kind of payload; the replay
// guard accepts it once.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "bitten/core/result.hpp"
#include "crypto.hpp"
#include "responses.hpp"
#include "telegram_auth.hpp"
#include "url.hpp"

using namespace bitten;
using namespace bitten::webapp;

namespace {

constexpr const char* kBotToken = "123456:TEST-bot-token-for-unit-tests";
constexpr int64_t kNow = 1'760'000'000;

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// What the App does with the outcome: an error reply, or the identity it signs in.
void check(const Result<TelegramIdentity>& id, const TelegramCheck& c) {
  if (!id) {
    (void)error_response(id.error().code == "bad_payload" ? 400 : 401, id.error().code, id.error().message);
    return;
  }
  if (id->telegram_id <= 0 || !is_hex64(id->hash)) __builtin_trap();
  if (id->auth_date < c.now_s - c.max_age_s || id->auth_date > c.now_s + c.max_future_skew_s) __builtin_trap();
  ReplayGuard guard;
  if (!guard.first_use(id->hash, id->auth_date + c.max_age_s, c.now_s)) __builtin_trap();
  if (guard.first_use(id->hash, id->auth_date + c.max_age_s, c.now_s)) __builtin_trap();
  (void)json_response(200, {{"telegram_id", id->telegram_id}, {"username", id->username},
                            {"display_name", !id->username.empty() ? id->username : id->first_name}});
}

void widget(const std::map<std::string, std::string>& fields, const TelegramCheck& c, const TelegramCheck& other) {
  auto id = verify_login_widget(fields, c);
  check(id, c);
  if (id && verify_login_widget(fields, other)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const TelegramCheck c{kBotToken, kNow, 600, 60};
  const TelegramCheck other{"654321:another-bot", kNow, 600, 60};
  std::string input = raw;
  replace_all(input, "@NOW@", std::to_string(kNow));
  const bool sign = input.find("@HASH@") != std::string::npos;

  // 1. WebApp initData.
  {
    std::string init = input;
    if (sign) {
      std::map<std::string, std::string> fields;
      for (auto& [k, v] : parse_query_pairs(init)) fields.emplace(k, v);
      replace_all(init, "@HASH@", telegram_webapp_hash(fields, kBotToken));
    }
    auto id = verify_webapp_init_data(init, c);
    check(id, c);
    if (id) {
      if (verify_webapp_init_data(init, other)) __builtin_trap();
      // A WebApp hash is not a Login Widget hash.
      std::map<std::string, std::string> fields;
      for (auto& [k, v] : parse_query_pairs(init)) fields.emplace(k, v);
      if (verify_login_widget(fields, c)) __builtin_trap();
    }
  }
  // 2. The Login Widget's redirect flow: the fields are the callback's query (last value wins).
  {
    std::string query = input;
    if (sign) replace_all(query, "@HASH@", telegram_login_hash(parse_query(query), kBotToken));
    widget(parse_query(query), c, other);
  }
  // 3. The Login Widget's POST body, read as App::auth_telegram reads it.
  {
    auto read = [](const std::string& body, std::map<std::string, std::string>& fields) {
      auto j = nlohmann::json::parse(body, nullptr, false);
      if (!j.is_object()) return false;
      for (auto& [k, v] : j.items()) {
        if (v.is_string()) fields[k] = v.get<std::string>();
        else if (v.is_number_integer()) fields[k] = std::to_string(v.get<int64_t>());
        else if (!v.is_null()) return false;
      }
      return true;
    };
    std::string body = input;
    std::map<std::string, std::string> fields;
    if (read(body, fields)) {
      if (sign) {
        replace_all(body, "@HASH@", telegram_login_hash(fields, kBotToken));
        fields.clear();
        if (!read(body, fields)) return 0;
      }
      widget(fields, c, other);
    }
  }
  // The helpers the sign-in paths and the router share.
  (void)url_decode(raw);
  (void)url_decode(raw, false);
  (void)parse_cookies(raw);
  (void)split_target(raw);
  (void)telegram_data_check_string(parse_query(raw));
  (void)crypto::constant_time_equal(raw, crypto::sha256_hex(raw));
  return 0;
}

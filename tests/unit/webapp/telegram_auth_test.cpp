#include <gtest/gtest.h>

#include "crypto.hpp"
#include "telegram_auth.hpp"
#include "url.hpp"

using namespace bitten::webapp;

namespace {

constexpr const char* kToken = "123456:ABC-the-real-bot-token";
constexpr int64_t kNow = 1'760'000'000;

std::map<std::string, std::string> widget_fields(int64_t auth_date) {
  std::map<std::string, std::string> f = {{"id", "424242"},        {"first_name", "Ada"}, {"username", "ada"},
                                          {"auth_date", std::to_string(auth_date)}, {"photo_url", "https://t.me/i/ada.jpg"}};
  f["hash"] = telegram_login_hash(f, kToken);
  return f;
}

std::string encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string init_data(int64_t auth_date, const std::string& token = kToken) {
  std::map<std::string, std::string> f = {{"query_id", "AAHdF6IQAAAAAN0XohDhrOrc"},
                                          {"user", R"({"id":424242,"first_name":"Ada","username":"ada"})"},
                                          {"auth_date", std::to_string(auth_date)}};
  f["hash"] = telegram_webapp_hash(f, token);
  std::string q;
  for (auto& [k, v] : f) q += (q.empty() ? "" : "&") + k + "=" + encode(v);
  return q;
}

TelegramCheck check(int64_t now = kNow, const char* token = kToken) { return TelegramCheck{token, now, 600, 60}; }

}  // namespace

TEST(TelegramAuth, DataCheckStringIsSortedKeyValueLinesWithoutHash) {
  std::map<std::string, std::string> f = {{"username", "u"}, {"auth_date", "1"}, {"id", "7"}, {"hash", "x"}};
  EXPECT_EQ(telegram_data_check_string(f), "auth_date=1\nid=7\nusername=u");
}

TEST(TelegramAuth, LoginHashMatchesTheDocumentedConstruction) {
  // secret = SHA256(bot_token); hash = hex(HMAC_SHA256(secret, data_check_string))
  auto f = widget_fields(kNow);
  const std::string expected = crypto::hmac_sha256_hex(crypto::sha256_raw(kToken), telegram_data_check_string(f));
  EXPECT_EQ(f["hash"], expected);
  // WebApp: secret = HMAC_SHA256("WebAppData", bot_token)
  EXPECT_EQ(telegram_webapp_hash(f, kToken),
            crypto::hmac_sha256_hex(crypto::hmac_sha256_raw("WebAppData", kToken), telegram_data_check_string(f)));
  // Known-answer check of the primitive (RFC 4231 test case 2).
  EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TelegramAuth, ValidLoginWidgetPayloadVerifies) {
  auto id = verify_login_widget(widget_fields(kNow - 5), check());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->telegram_id, 424242);
  EXPECT_EQ(id->username, "ada");
}

TEST(TelegramAuth, TamperedFieldOrHashIsRefused) {
  auto f = widget_fields(kNow);
  f["id"] = "1";  // someone else's id with the original hash
  auto r = verify_login_widget(f, check());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_hash");
  auto g = widget_fields(kNow);
  g["hash"][0] = g["hash"][0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(verify_login_widget(g, check()).error().code, "bad_hash");
  auto h = widget_fields(kNow);
  h.erase("hash");
  EXPECT_EQ(verify_login_widget(h, check()).error().code, "bad_payload");
}

TEST(TelegramAuth, WrongBotTokenIsRefused) {
  auto r = verify_login_widget(widget_fields(kNow), check(kNow, "999:another-bot"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_hash");
  EXPECT_EQ(verify_webapp_init_data(init_data(kNow, "999:another-bot"), check()).error().code, "bad_hash");
  // No token configured: nothing verifies.
  EXPECT_FALSE(verify_login_widget(widget_fields(kNow), check(kNow, "")));
}

TEST(TelegramAuth, StaleOrFutureAuthDateIsRefused) {
  EXPECT_EQ(verify_login_widget(widget_fields(kNow - 601), check()).error().code, "auth_expired");
  EXPECT_TRUE(verify_login_widget(widget_fields(kNow - 600), check()));
  EXPECT_EQ(verify_login_widget(widget_fields(kNow + 120), check()).error().code, "auth_expired");
  EXPECT_EQ(verify_webapp_init_data(init_data(kNow - 3600), check()).error().code, "auth_expired");
}

TEST(TelegramAuth, WebAppInitDataVerifiesAndLoginHashDoesNotPassAsWebApp) {
  auto id = verify_webapp_init_data(init_data(kNow), check());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->telegram_id, 424242);
  // A Login Widget hash is not a WebApp hash (different secret derivation).
  std::map<std::string, std::string> f = {{"user", R"({"id":424242})"}, {"auth_date", std::to_string(kNow)}};
  f["hash"] = telegram_login_hash(f, kToken);
  std::string q = "user=" + encode(f["user"]) + "&auth_date=" + f["auth_date"] + "&hash=" + f["hash"];
  EXPECT_EQ(verify_webapp_init_data(q, check()).error().code, "bad_hash");
}

TEST(TelegramAuth, ReplayGuardAcceptsAPayloadOnce) {
  ReplayGuard g;
  auto id = verify_webapp_init_data(init_data(kNow), check());
  ASSERT_TRUE(id);
  EXPECT_TRUE(g.first_use(id->hash, id->auth_date + 600, kNow));
  EXPECT_FALSE(g.first_use(id->hash, id->auth_date + 600, kNow + 10));
  // Once the payload is past its window it is refused as stale anyway, and forgotten here.
  EXPECT_TRUE(g.first_use("other", kNow + 5, kNow));
  EXPECT_TRUE(g.first_use("x", kNow + 10'000, kNow + 700));
  EXPECT_EQ(g.size(), 1u);
}

TEST(Crypto, ConstantTimeEqualAndRandom) {
  EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abcd"));
  auto a = crypto::random_hex(32), b = crypto::random_hex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
}

// Inputs found by tests/fuzz/fuzz_http and fuzz_telegram that crashed the webapp (an exception out
// of App::handle ends the daemon) or hit undefined behaviour; each must now get a clean reply.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "telegram_auth.hpp"
#include "webapp_fixture.hpp"

using namespace bitten;
using namespace bitten::webapp;
using namespace bitten::webapp::testing;

namespace {

class FuzzFound : public AppFixture {
 protected:
  int64_t now_s() const { return clock_.now_ns() / 1'000'000'000LL; }
  // Every reply the App gives must be sendable: a valid status and, for JSON, a body that parses.
  Response call_ok(const Request& r) {
    Response out;
    EXPECT_NO_THROW(out = call(r)) << r.method << " " << r.target;
    if (out.content_type == "application/json" && !out.body.empty()) {
      EXPECT_TRUE(nlohmann::json::accept(out.body)) << out.body;
    }
    return out;
  }
  Request post_raw(const std::string& target, const std::string& body, const std::string& token,
                   Surface s = Surface::Trader) {
    auto r = req("POST", target, s);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    r.body = body;
    return r;
  }
};

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

}  // namespace

// Unauthenticated: a repeated initData key that url-decodes to invalid UTF-8 went into the error
// message, and serialising the 400 reply threw (nlohmann type_error 316).
TEST_F(FuzzFound, InitDataWithRepeatedInvalidUtf8KeyIs400) {
  auto r = call_ok(post_raw("/auth/webapp", R"({"init_data":"%FF=1&%FF=2"})", ""));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["error"], "bad_payload");
}

// A signed-in user's symbol is echoed in the reply: invalid UTF-8 there threw as well.
TEST_F(FuzzFound, BarsWithInvalidUtf8SymbolReplies) {
  auto t = make_user("t1", "GLADIATOR");
  auto r = call_ok([&] {
    auto q = req("GET", "/api/bars?symbol=EUR%C3%28&tf=M1");
    q.headers["authorization"] = "Bearer " + t;
    return q;
  }());
  EXPECT_EQ(r.status, 200);
}

// An unknown model version from the path is quoted in the 404's message.
TEST_F(FuzzFound, PromoteUnknownInvalidUtf8VersionIs404) {
  auto admin = make_user("root", "COMMANDER", "admin");
  auto r = call_ok(post_raw("/api/admin/models/%FE%FF/promote", "", admin, Surface::Throne));
  EXPECT_EQ(r.status, 404);
}

// "reason" that is not a string made json::value() throw (type_error 302).
TEST_F(FuzzFound, HaltWithNonStringReasonIs400) {
  auto admin = make_user("root", "COMMANDER", "admin");
  make_user("t1", "GLADIATOR");
  for (const char* target : {"/api/admin/users/t1/halt", "/api/admin/halt"}) {
    auto r = call_ok(post_raw(target, R"({"halted":true,"reason":1})", admin, Surface::Throne));
    EXPECT_EQ(r.status, 400) << target;
  }
  // Nothing was halted.
  auto h = get("/api/admin/halt", admin, Surface::Throne);
  EXPECT_FALSE(body(h)["halted"].get<bool>());
}

// A signed Login Widget redirect whose names are not UTF-8: the new user's display name made the
// sign-in reply (and later the Throne's user list) throw.
TEST_F(FuzzFound, SignedCallbackWithInvalidUtf8NameSignsIn) {
  std::map<std::string, std::string> f = {{"id", "777001"}, {"username", "\xff\xfe"}, {"first_name", "\xc3("},
                                          {"auth_date", std::to_string(now_s())}};
  f["hash"] = telegram_login_hash(f, kBotToken);
  std::string q;
  for (auto& [k, v] : f) q += (q.empty() ? "" : "&") + k + "=" + encode(v);
  auto r = call_ok(req("GET", "/auth/telegram/callback?" + q));
  EXPECT_EQ(r.status, 303);
  auto admin = make_user("root", "COMMANDER", "admin");
  EXPECT_EQ(call_ok([&] {
              auto g = req("GET", "/api/admin/users", Surface::Throne);
              g.headers["authorization"] = "Bearer " + admin;
              return g;
            }()).status,
            200);
}

// A signed WebApp user whose names are not strings: json::value("first_name", "") threw.
TEST_F(FuzzFound, SignedInitDataWithNonStringNamesIsBadPayload) {
  std::map<std::string, std::string> f = {{"user", R"({"id":424242,"first_name":7,"username":["a"]})"},
                                          {"auth_date", std::to_string(now_s())}};
  f["hash"] = telegram_webapp_hash(f, kBotToken);
  TelegramCheck check{kBotToken, now_s(), 600, 60};
  std::string q;
  for (auto& [k, v] : f) q += (q.empty() ? "" : "&") + k + "=" + encode(v);
  Result<TelegramIdentity> id = make_error("unset", "");
  EXPECT_NO_THROW(id = verify_webapp_init_data(q, check));
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, "bad_payload");
  auto r = call_ok(post_raw("/auth/webapp", nlohmann::json{{"init_data", q}}.dump(), ""));
  EXPECT_EQ(r.status, 400);
}

// A signed auth_date near INT64_MIN / INT64_MAX: "now - auth_date" overflowed (UBSan in the fuzz
// and sanitizer builds). Both ends are simply outside the window.
TEST_F(FuzzFound, SignedExtremeAuthDateIsExpiredWithoutOverflow) {
  TelegramCheck check{kBotToken, now_s(), 600, 60};
  for (int64_t ad : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min() + 1,
                     std::numeric_limits<int64_t>::max()}) {
    std::map<std::string, std::string> f = {{"id", "424242"}, {"auth_date", std::to_string(ad)}};
    f["hash"] = telegram_login_hash(f, kBotToken);
    auto id = verify_login_widget(f, check);
    ASSERT_FALSE(id) << ad;
    EXPECT_EQ(id.error().code, "auth_expired") << ad;
  }
}

// The Telegram notifier against a fake Bot API server: sendMessage with the inline button, retries
// with backoff on server errors, gives up on permanent refusals; the caller never blocks.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "bitten/execution/telegram.hpp"
#include "fake_telegram.hpp"

namespace bitten::execution {
namespace {

using namespace std::chrono_literals;

template <class F>
bool wait_for(F cond, std::chrono::milliseconds timeout = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return cond();
}

Notification note() { return {42, "u1", "M_1", "EURUSD BUY", "Open mission", "http://x/mission/M_1"}; }

TEST(execution_Telegram, UrlParsingRefusesHttps) {
  auto t = parse_http_url("http://127.0.0.1:8443/tg/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, "8443");
  EXPECT_EQ(t->path_prefix, "/tg");
  EXPECT_EQ(parse_http_url("https://api.telegram.org").error().code, "https_not_supported");
  EXPECT_EQ(parse_http_url("http://h")->port, "80");
}

TEST(execution_Telegram, SendMessageCarriesTheInlineButton) {
  testing::FakeTelegram server;
  TelegramNotifier n({server.url(), "TOKEN123", 100, 3, 10, 50, 2000});
  ASSERT_TRUE(n.start().ok());
  n.enqueue(note());
  ASSERT_TRUE(wait_for([&] { return n.stats().sent == 1; }));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/botTOKEN123/sendMessage");
  auto j = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(j["chat_id"], 42);
  EXPECT_EQ(j["text"], "EURUSD BUY");
  EXPECT_EQ(j["reply_markup"]["inline_keyboard"][0][0]["url"], "http://x/mission/M_1");
  n.stop();
}

TEST(execution_Telegram, ServerErrorsAreRetriedAndPermanentRefusalsGivenUp) {
  testing::FakeTelegram server({500, 429, 200, 403});
  TelegramNotifier n({server.url(), "T", 100, 5, 10, 40, 2000});
  ASSERT_TRUE(n.start().ok());
  n.enqueue(note());
  ASSERT_TRUE(wait_for([&] { return n.stats().sent == 1; }));
  EXPECT_EQ(n.stats().attempts_failed, 2u);
  n.enqueue(note());  // 403: the user blocked the bot; retrying will not help
  ASSERT_TRUE(wait_for([&] { return n.stats().gave_up == 1; }));
  EXPECT_EQ(server.requests().size(), 4u);
  n.stop();
}

TEST(execution_Telegram, UnreachableServerNeverBlocksTheCaller) {
  TelegramNotifier n({"http://127.0.0.1:1", "T", 2, 2, 10, 20, 500});
  ASSERT_TRUE(n.start().ok());
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) n.enqueue(note());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms);
  ASSERT_TRUE(wait_for([&] { auto s = n.stats(); return s.gave_up + s.dropped == 5 && s.queued == 0; }));
  n.stop();
}

}  // namespace
}  // namespace bitten::execution

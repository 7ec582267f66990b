#include <gtest/gtest.h>

#include "health_aggregator.hpp"
#include "rate_limiter.hpp"
#include "ws_hub.hpp"

using namespace bitten::webapp;

TEST(RateLimiter, BurstThenRefill) {
  RateLimiter rl(1.0, 3);
  const int64_t t0 = 1'000'000'000'000;
  EXPECT_TRUE(rl.allow("u", t0));
  EXPECT_TRUE(rl.allow("u", t0));
  EXPECT_TRUE(rl.allow("u", t0));
  EXPECT_FALSE(rl.allow("u", t0));
  EXPECT_TRUE(rl.allow("other", t0));  // per key
  EXPECT_GE(rl.retry_after_s("u"), 1);
  EXPECT_FALSE(rl.allow("u", t0 + 500'000'000));
  EXPECT_TRUE(rl.allow("u", t0 + 1'100'000'000));
  EXPECT_FALSE(rl.allow("u", t0 + 1'200'000'000));
}

TEST(HealthAggregator, StaleAfterThreeIntervalsAndMissingWhenNeverHeard) {
  HealthAggregator h({"a", "b"});
  bitten::schema::HealthMsg m;
  m.daemon = "a";
  m.interval_ms = 1000;
  m.status = "ok";
  m.counters["ticks_in"] = 5;
  h.on_heartbeat(m, 0);
  EXPECT_FALSE(h.all_fresh(1'000'000'000));  // b missing
  m.daemon = "b";
  h.on_heartbeat(m, 0);
  EXPECT_TRUE(h.all_fresh(2'900'000'000));
  EXPECT_FALSE(h.all_fresh(3'100'000'000));
  auto j = h.daemons_json(3'100'000'000);
  EXPECT_EQ(j["a"]["status"], "stale");
  std::string out;
  h.append_metrics(out, 0);
  EXPECT_NE(out.find("bitten_counter{daemon=\"a\",name=\"ticks_in\"} 5"), std::string::npos);
  EXPECT_NE(out.find("bitten_daemon_up{daemon=\"b\"} 1"), std::string::npos);
}

TEST(WsHub, DeliversOnlyToEntitledClients) {
  WsHub hub;
  int a = 0, b = 0, admin = 0, dash = 0;
  hub.add({"alice", "trader", Surface::Trader, [&](const WsPayload&) { return ++a, true; }});
  hub.add({"bob", "trader", Surface::Trader, [&](const WsPayload&) { return ++b, true; }});
  auto id = hub.add({"root", "admin", Surface::Throne, [&](const WsPayload&) { return ++admin, true; }});
  hub.add({"alice", "trader", Surface::Tracking, [&](const WsPayload&) { return ++dash, true; }});
  auto msg = std::make_shared<const std::string>("x");
  EXPECT_EQ(hub.send_to_user("alice", Surface::Trader, msg), 1u);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(dash, 0);
  EXPECT_EQ(hub.broadcast(Surface::Trader, msg), 2u);
  EXPECT_EQ(hub.send_to_admins(msg), 1u);
  hub.remove(id);
  EXPECT_EQ(hub.send_to_admins(msg), 0u);
  EXPECT_EQ(hub.users(Surface::Trader).size(), 2u);
}

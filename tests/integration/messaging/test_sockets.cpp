// Real ZeroMQ sockets over inproc and ipc: topic framing, poll loop and timers, ROUTER_MANDATORY.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <unistd.h>

#include "bitten/messaging/poll_loop.hpp"

using namespace bitten;
using namespace bitten::messaging;
using namespace std::chrono_literals;

namespace {
std::string ipc_endpoint(const std::string& name) {
  return "ipc:///tmp/bitten-test-" + name + "-" + std::to_string(::getpid());
}
// Receives with a deadline instead of sleeping.
std::optional<Frames> recv_within(Socket& s, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (auto f = s.recv(true)) return f;
    std::this_thread::yield();
  }
  return std::nullopt;
}
}  // namespace

TEST(Sockets, PushPullOverIpcKeepsOrderAndFrames) {
  const auto ep = ipc_endpoint("pushpull");
  Socket pull(SocketType::Pull), push(SocketType::Push);
  ASSERT_TRUE(pull.bind(ep));
  ASSERT_TRUE(push.connect(ep));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(*push.send({"k", std::to_string(i)}));
  for (int i = 0; i < 1000; ++i) {
    auto f = recv_within(pull, 2000ms);
    ASSERT_TRUE(f);
    ASSERT_EQ(f->size(), 2u);
    EXPECT_EQ((*f)[1], std::to_string(i));
  }
}

TEST(Sockets, PubSubFiltersByTopicPrefix) {
  const auto ep = ipc_endpoint("pubsub");
  Socket pub(SocketType::Pub), sub(SocketType::Sub);
  ASSERT_TRUE(pub.bind(ep));
  ASSERT_TRUE(sub.connect(ep));
  sub.subscribe("tick.EUR");
  // Slow-joiner: publish until the subscription has propagated, with a deadline.
  std::optional<Frames> got;
  auto end = std::chrono::steady_clock::now() + 3s;
  while (!got && std::chrono::steady_clock::now() < end) {
    (void)pub.send_topic("tick.GBPUSD", "{}");
    (void)pub.send_topic("tick.EURUSD", "{\"x\":1}");
    got = recv_within(sub, 20ms);
  }
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)[0], "tick.EURUSD");
  EXPECT_EQ((*got)[1], "{\"x\":1}");
}

TEST(Sockets, RouterMandatoryReportsUnknownIdentityInsteadOfDropping) {
  const auto ep = ipc_endpoint("router");
  SocketOptions ro;
  ro.router_mandatory = true;
  Socket router(SocketType::Router, ro);
  ASSERT_TRUE(router.bind(ep));
  auto r = router.send({"NOBODY", "{\"type\":\"ping\"}"}, true);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);  // unroutable: the caller learns it

  SocketOptions d;
  d.identity = "USER_UUID_123";
  Socket dealer(SocketType::Dealer, d);
  ASSERT_TRUE(dealer.connect(ep));
  ASSERT_TRUE(*dealer.send_one("{\"type\":\"HELLO\"}"));
  auto hello = recv_within(router, 2000ms);
  ASSERT_TRUE(hello);
  EXPECT_EQ((*hello)[0], "USER_UUID_123");
  auto sent = router.send({"USER_UUID_123", "{\"type\":\"ping\"}"}, true);
  ASSERT_TRUE(sent);
  EXPECT_TRUE(*sent);
  auto cmd = recv_within(dealer, 2000ms);
  ASSERT_TRUE(cmd);
  EXPECT_EQ((*cmd)[0], "{\"type\":\"ping\"}");
}

TEST(PollLoop, DispatchesMessagesAndTimersUntilStopped) {
  const auto ep = ipc_endpoint("loop");
  Socket pull(SocketType::Pull), push(SocketType::Push);
  ASSERT_TRUE(pull.bind(ep));
  ASSERT_TRUE(push.connect(ep));
  PollLoop loop;
  int received = 0, ticks = 0;
  loop.add(pull, [&](Frames& f) {
    received += f.size() == 1 ? 1 : 0;
    if (received == 100) loop.stop();
  });
  loop.every(10ms, [&] { ++ticks; });
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(*push.send_one("m"));
  auto start = std::chrono::steady_clock::now();
  loop.run([&] { return std::chrono::steady_clock::now() - start > 5s; });
  EXPECT_EQ(received, 100);
}

TEST(PollLoop, StopConditionEndsAnIdleLoopPromptly) {
  PollLoop loop;
  int ticks = 0;
  loop.every(5ms, [&] { ++ticks; });
  loop.run([&] { return ticks >= 3; }, 5);
  EXPECT_GE(ticks, 3);
}

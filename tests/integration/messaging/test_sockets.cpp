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

// The event bus's HWM policy: a subscriber that stops reading loses the newest events once its
// queue is full, the other subscribers get every event, and fanout() reports the moment a subscriber
// starts losing events, so it can be counted (a plain PUB send drops silently).
TEST(Sockets, FanoutServesFastSubscribersAndReportsWhatASlowOneLost) {
  const std::string ep = "inproc://fanout-" + std::to_string(::getpid());
  SocketOptions pub_opt;
  pub_opt.sndhwm = 10;
  Socket xpub(SocketType::XPub, pub_opt);
  ASSERT_TRUE(xpub.bind(ep));
  SocketOptions slow_opt;
  slow_opt.rcvhwm = 10;  // an inproc pipe holds sndhwm + rcvhwm = 20 messages
  SocketOptions fast_opt;
  fast_opt.rcvhwm = 1000;
  Socket slow(SocketType::Sub, slow_opt), fast(SocketType::Sub, fast_opt);
  ASSERT_TRUE(slow.connect(ep));
  ASSERT_TRUE(fast.connect(ep));
  slow.subscribe("");
  fast.subscribe("ev.");
  // Until both subscriptions are in place (the XPUB also hands them to us; they are read and ignored).
  bool slow_ready = false, fast_ready = false;
  auto end = std::chrono::steady_clock::now() + 3s;
  while ((!slow_ready || !fast_ready) && std::chrono::steady_clock::now() < end) {
    while (xpub.recv(true)) {}
    ASSERT_TRUE(xpub.fanout({"ev.probe", "p"}));
    while (auto f = slow.recv(true)) slow_ready = true;
    while (auto f = fast.recv(true)) fast_ready = true;
  }
  ASSERT_TRUE(slow_ready && fast_ready);
  while (slow.recv(true)) {}

  constexpr int kEvents = 1000;
  int lost = 0, fast_got = 0, first_lost = -1;  // lost: sends fanout() reported
  for (int i = 0; i < kEvents; ++i) {
    auto r = xpub.fanout({"ev.x", std::to_string(i)});
    ASSERT_TRUE(r);
    if (*r && lost++ == 0) first_lost = i;
    while (auto f = fast.recv(true)) {  // the fast subscriber keeps up and gets every event, in order
      ASSERT_EQ((*f)[1], std::to_string(fast_got));
      ++fast_got;
    }
  }
  while (fast_got < kEvents) {
    auto f = recv_within(fast, 2000ms);
    ASSERT_TRUE(f);
    ASSERT_EQ((*f)[1], std::to_string(fast_got));
    ++fast_got;
  }
  // The slow subscriber now reads: it has the oldest events up to its queue, then nothing.
  int slow_got = 0;
  while (auto f = recv_within(slow, 200ms)) {
    EXPECT_EQ((*f)[1], std::to_string(slow_got));  // the oldest ones, without a gap
    ++slow_got;
  }
  EXPECT_GE(slow_got, 10);
  EXPECT_LE(slow_got, 40);
  // Drop episodes, not events: reported when the slow subscriber starts losing (ZeroMQ then leaves it
  // out until its reads reach the publisher; the probes it read earlier may give it room once more).
  EXPECT_GE(lost, 1);
  EXPECT_LE(lost, 3);
  EXPECT_GE(first_lost, 10);  // nothing reported while it still had room
  // Once it has read its backlog, it gets events again, and a new episode is reported when it stops again.
  int lost2 = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = xpub.fanout({"ev.y", std::to_string(i)});
    ASSERT_TRUE(r);
    if (*r) ++lost2;
    while (fast.recv(true)) {}
  }
  int slow_got2 = 0;
  while (recv_within(slow, 200ms)) ++slow_got2;
  EXPECT_GE(slow_got2, 10);
  EXPECT_GE(lost2, 1);
  EXPECT_LE(lost2, 3);
}

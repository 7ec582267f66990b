// PollLoop::add_fd: another thread wakes the loop through an eventfd; the loop reacts at once
// instead of at its next timer or tick (the webapp's bus thread drains queued fires this way).
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "bitten/messaging/poll_loop.hpp"

using namespace std::chrono_literals;
using bitten::messaging::PollLoop;

TEST(PollLoop, AnEventfdRingWakesTheLoopBeforeItsTick) {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  PollLoop loop;
  std::atomic<int> woken{0};
  uint64_t total = 0;
  loop.add_fd(fd, [&] {
    uint64_t n = 0;
    ASSERT_EQ(::read(fd, &n, sizeof n), static_cast<ssize_t>(sizeof n));
    total += n;
    ++woken;
  });
  std::atomic<bool> done{false};
  // A tick of 10 s: only the ring can end the wait for the three rings below in time.
  std::thread loop_thread([&] { loop.run([&] { return done.load(); }, 10'000); });
  for (int i = 0; i < 3; ++i) {
    const uint64_t one = 1;
    ASSERT_EQ(::write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (woken.load() < i + 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    ASSERT_EQ(woken.load(), i + 1) << "ring " << i << " did not wake the loop";
  }
  done = true;
  const uint64_t one = 1;
  ASSERT_EQ(::write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));  // wake it to see `done`
  loop_thread.join();
  EXPECT_GE(total, 3u);  // the last ring may find the loop already stopping
  ::close(fd);
}

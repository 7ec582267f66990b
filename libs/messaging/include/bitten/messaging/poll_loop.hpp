#pragma once
// A single-threaded poll loop: sockets with handlers, periodic timers, and a stop check.
// Everything registered must be used only from the thread that calls run().
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "bitten/core/clock.hpp"
#include "bitten/messaging/socket.hpp"

namespace bitten::messaging {

class PollLoop {
 public:
  using Handler = std::function<void(Frames&)>;
  using TimerFn = std::function<void()>;

  explicit PollLoop(const Clock& clock = SystemClock::instance()) : clock_(clock) {}

  // The handler is called once per message; up to max_batch messages are drained per wake-up so
  // that one busy socket cannot starve timers.
  void add(Socket& socket, Handler handler, int max_batch = 256);
  void every(std::chrono::milliseconds period, TimerFn fn);
  // A plain file descriptor (an eventfd another thread writes to wake this loop): on_readable is
  // called when it is readable and must consume what made it so.
  void add_fd(int fd, std::function<void()> on_readable);

  // Runs until stop() or until should_stop() returns true (checked at least every tick_ms).
  void run(const std::function<bool()>& should_stop = {}, int tick_ms = 50);
  void stop() { stopped_.store(true); }

 private:
  struct Entry {
    Socket* socket;
    Handler handler;
    int max_batch;
  };
  struct Timer {
    int64_t period_ns;
    int64_t next_ns;
    TimerFn fn;
  };
  const Clock& clock_;
  struct FdEntry {
    int fd;
    std::function<void()> on_readable;
  };
  std::vector<Entry> entries_;
  std::vector<FdEntry> fds_;
  std::vector<Timer> timers_;
  std::atomic<bool> stopped_{false};
};

}  // namespace bitten::messaging

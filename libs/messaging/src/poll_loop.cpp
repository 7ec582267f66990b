#include "bitten/messaging/poll_loop.hpp"

#include <algorithm>
#include <zmq.hpp>

namespace bitten::messaging {

void PollLoop::add(Socket& socket, Handler handler, int max_batch) {
  entries_.push_back(Entry{&socket, std::move(handler), max_batch});
}

void PollLoop::add_fd(int fd, std::function<void()> on_readable) {
  fds_.push_back(FdEntry{fd, std::move(on_readable)});
}

void PollLoop::every(std::chrono::milliseconds period, TimerFn fn) {
  const int64_t p = std::chrono::duration_cast<std::chrono::nanoseconds>(period).count();
  timers_.push_back(Timer{p, clock_.mono_ns() + p, std::move(fn)});
}

void PollLoop::run(const std::function<bool()>& should_stop, int tick_ms) {
  std::vector<zmq::pollitem_t> items;
  items.reserve(entries_.size());
  for (auto& e : entries_) items.push_back(zmq::pollitem_t{e.socket->handle(), 0, ZMQ_POLLIN, 0});
  for (auto& f : fds_) items.push_back(zmq::pollitem_t{nullptr, f.fd, ZMQ_POLLIN, 0});

  while (!stopped_.load() && !(should_stop && should_stop())) {
    int64_t now = clock_.mono_ns();
    int64_t wait_ms = tick_ms;
    // Rounded up: rounding a sub-millisecond remainder down to 0 made the loop spin on
    // zmq_poll(0) until each timer was due (a fifth of a core with a 5 ms timer).
    for (auto& t : timers_)
      wait_ms = std::min<int64_t>(wait_ms, std::max<int64_t>(0, (t.next_ns - now + 999'999) / 1'000'000));
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(wait_ms));
    } catch (const zmq::error_t&) {
      // EINTR from a signal: fall through to the stop check.
    }
    for (size_t i = entries_.size(); i < items.size(); ++i)
      if (items[i].revents & ZMQ_POLLIN) fds_[i - entries_.size()].on_readable();
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (!(items[i].revents & ZMQ_POLLIN)) continue;
      for (int n = 0; n < entries_[i].max_batch; ++n) {
        auto frames = entries_[i].socket->recv(true);
        if (!frames) break;
        entries_[i].handler(*frames);
      }
    }
    now = clock_.mono_ns();
    for (auto& t : timers_) {
      if (now >= t.next_ns) {
        t.fn();
        // Skip missed periods rather than firing a burst after a stall.
        t.next_ns += t.period_ns * std::max<int64_t>(1, (now - t.next_ns) / t.period_ns + 1);
      }
    }
  }
}

}  // namespace bitten::messaging

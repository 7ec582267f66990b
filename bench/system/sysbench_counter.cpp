// sysbench_counter: counts the messages a PUB socket publishes, for bench/system/bench_ingest.py.
//   sysbench_counter SUB_ENDPOINT COUNT [IDLE_MS]
// Subscribes to everything; prints "JOINED" when the first message (a probe) arrives, drains for
// 200 ms, prints "ARMED", then counts whole messages (all frames) until COUNT or IDLE_MS without
// one once counting started, and prints "COUNT <n> <first_ns> <last_ns>" (CLOCK_MONOTONIC). Loopback benchmarks only.
#include <zmq.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sysbench_counter SUB_ENDPOINT COUNT [IDLE_MS]\n");
    return 2;
  }
  const long long want = std::atoll(argv[2]);
  const int idle_ms = argc > 3 ? std::atoi(argv[3]) : 3000;
  void* ctx = zmq_ctx_new();
  void* sub = zmq_socket(ctx, ZMQ_SUB);
  int zero = 0;
  zmq_setsockopt(sub, ZMQ_RCVHWM, &zero, sizeof zero);
  zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero);
  zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
  if (zmq_connect(sub, argv[1]) != 0) {
    std::fprintf(stderr, "connect %s: %s\n", argv[1], zmq_strerror(zmq_errno()));
    return 2;
  }
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  zmq_pollitem_t item{sub, 0, ZMQ_POLLIN, 0};
  // 1. joined: the first message (the caller sends probes until we say so); give up after 30 s.
  if (zmq_poll(&item, 1, 30000) <= 0) {
    std::printf("TIMEOUT\n");
    return 1;
  }
  std::printf("JOINED\n");
  std::fflush(stdout);
  const long long drain_until = now_ns() + 200'000'000LL;
  while (now_ns() < drain_until) {
    if (zmq_poll(&item, 1, 20) > 0)
      while (zmq_msg_recv(&msg, sub, ZMQ_DONTWAIT) >= 0) {}
  }
  std::printf("ARMED\n");
  std::fflush(stdout);
  // 2. count whole messages.
  long long n = 0, first = 0, last = 0;
  while (n < want) {
    if (zmq_poll(&item, 1, n == 0 ? 120000 : idle_ms) <= 0) break;  // the sender may take a while to start
    while (n < want && zmq_msg_recv(&msg, sub, ZMQ_DONTWAIT) >= 0) {
      if (!zmq_msg_more(&msg)) {
        if (++n == 1) first = now_ns();
      }
    }
    last = now_ns();
  }
  std::printf("COUNT %lld %lld %lld\n", n, first, last);
  std::fflush(stdout);
  zmq_msg_close(&msg);
  zmq_close(sub);
  zmq_ctx_term(ctx);
  return 0;
}

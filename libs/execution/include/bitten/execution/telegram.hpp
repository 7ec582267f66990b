#pragma once
// Telegram Bot API sendMessage with an inline URL button, from its own thread: the socket thread
// only enqueues (never blocks on HTTP). Failed sends are retried with exponential backoff up to
// max_attempts; the queue is bounded (the oldest message is dropped and counted when it is full).
//
// Transport: a minimal HTTP/1.1 client over Boost.Asio, plain TCP only. Production points
// base_url at an HTTPS-terminating local proxy (e.g. http://127.0.0.1:8443 -> api.telegram.org);
// tests point it at a fake server on 127.0.0.1.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "bitten/core/result.hpp"
#include "bitten/execution/signal_relay.hpp"

namespace bitten::execution {

struct TelegramOptions {
  std::string base_url;  // http://host[:port][/prefix]; requests go to <base>/bot<token>/sendMessage
  std::string token;
  size_t max_queue = 10'000;
  int max_attempts = 5;
  int64_t backoff_initial_ms = 500;
  int64_t backoff_max_ms = 30'000;
  int64_t timeout_ms = 5'000;  // per request, connect included
};

struct HttpTarget {
  std::string host;
  std::string port;
  std::string path_prefix;
};
// Only http:// is accepted ("https_not_supported" otherwise; see the header comment).
Result<HttpTarget> parse_http_url(const std::string& url);

// The JSON body of sendMessage for one notification.
std::string telegram_send_message_body(const Notification& n);

struct HttpResponse {
  int status = 0;
  std::string body;
};
// One POST with Connection: close. Errors: "http_connect", "http_timeout", "http_io", "http_bad_response".
Result<HttpResponse> http_post_json(const HttpTarget& target, const std::string& path, const std::string& body,
                                    int64_t timeout_ms);

class TelegramNotifier {
 public:
  explicit TelegramNotifier(TelegramOptions options);
  ~TelegramNotifier();
  Status start();  // validates the URL and starts the thread
  void stop();     // pending messages are abandoned (counted as dropped)
  void enqueue(Notification n);

  struct Stats {
    uint64_t enqueued, sent, attempts_failed, gave_up, dropped;
    size_t queued;
  };
  Stats stats() const;

 private:
  void run();
  struct Item {
    Notification n;
    int attempts = 0;
    std::chrono::steady_clock::time_point not_before;
  };
  TelegramOptions opt_;
  HttpTarget target_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> enqueued_{0}, sent_{0}, attempts_failed_{0}, gave_up_{0}, dropped_{0};
};

}  // namespace bitten::execution

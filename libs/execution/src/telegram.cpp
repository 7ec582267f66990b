#include "bitten/execution/telegram.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

namespace bitten::execution {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<HttpTarget> parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind("https://", 0) == 0)
    return make_error("https_not_supported", "use an http:// URL of a local TLS-terminating proxy: " + url);
  if (url.rfind(scheme, 0) != 0) return make_error("bad_url", "expected http://host[:port][/path]: " + url);
  std::string rest = url.substr(scheme.size());
  HttpTarget t;
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) t.path_prefix = rest.substr(slash);
  while (!t.path_prefix.empty() && t.path_prefix.back() == '/') t.path_prefix.pop_back();
  auto colon = hostport.rfind(':');
  if (colon == std::string::npos) {
    t.host = hostport;
    t.port = "80";
  } else {
    t.host = hostport.substr(0, colon);
    t.port = hostport.substr(colon + 1);
  }
  if (t.host.empty() || t.port.empty()) return make_error("bad_url", "no host in " + url);
  return t;
}

std::string telegram_send_message_body(const Notification& n) {
  nlohmann::json j = {{"chat_id", n.chat_id},
                      {"text", n.text},
                      {"disable_web_page_preview", true},
                      {"reply_markup",
                       {{"inline_keyboard", nlohmann::json::array({nlohmann::json::array(
                                                {{{"text", n.button_text}, {"url", n.button_url}}})})}}}};
  return j.dump();
}

Result<HttpResponse> http_post_json(const HttpTarget& target, const std::string& path, const std::string& body,
                                    int64_t timeout_ms) {
  asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + target.host + "\r\n" +
                              "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
  std::string response;
  boost::system::error_code failure;
  const char* stage = "http_connect";
  bool finished = false;
  std::array<char, 4096> buf;

  std::function<void(boost::system::error_code, size_t)> on_read = [&](boost::system::error_code ec, size_t n) {
    response.append(buf.data(), n);
    if (ec == asio::error::eof) {
      finished = true;
      return;
    }
    if (ec) {
      failure = ec;
      return;
    }
    socket.async_read_some(asio::buffer(buf), on_read);
  };
  resolver.async_resolve(target.host, target.port, [&](boost::system::error_code ec, tcp::resolver::results_type rs) {
    if (ec) {
      failure = ec;
      return;
    }
    asio::async_connect(socket, rs, [&](boost::system::error_code ec2, const tcp::endpoint&) {
      if (ec2) {
        failure = ec2;
        return;
      }
      stage = "http_io";
      asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code ec3, size_t) {
        if (ec3) {
          failure = ec3;
          return;
        }
        socket.async_read_some(asio::buffer(buf), on_read);
      });
    });
  });
  io.run_for(std::chrono::milliseconds(timeout_ms));
  if (!finished && !failure) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return make_error("http_timeout", "no complete response within " + std::to_string(timeout_ms) + " ms");
  }
  if (failure) return make_error(stage, failure.message());
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return make_error("http_bad_response", "no status line");
  HttpResponse r;
  r.status = std::atoi(response.substr(9, 3).c_str());
  auto sep = response.find("\r\n\r\n");
  if (sep != std::string::npos) r.body = response.substr(sep + 4);
  return r;
}

TelegramNotifier::TelegramNotifier(TelegramOptions options) : opt_(std::move(options)) {}

TelegramNotifier::~TelegramNotifier() { stop(); }

Status TelegramNotifier::start() {
  auto t = parse_http_url(opt_.base_url);
  if (!t) return t.error();
  target_ = *t;
  if (opt_.token.empty()) return make_error("no_token", "the Telegram bot token is empty");
  thread_ = std::thread([this] { run(); });
  return ok_status();
}

void TelegramNotifier::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  dropped_ += queue_.size();
  queue_.clear();
}

void TelegramNotifier::enqueue(Notification n) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= opt_.max_queue) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(Item{std::move(n), 0, std::chrono::steady_clock::now()});
    ++enqueued_;
  }
  cv_.notify_one();
}

TelegramNotifier::Stats TelegramNotifier::stats() const {
  std::lock_guard lock(mu_);
  return Stats{enqueued_.load(), sent_.load(), attempts_failed_.load(), gave_up_.load(), dropped_.load(), queue_.size()};
}

void TelegramNotifier::run() {
  const std::string path = target_.path_prefix + "/bot" + opt_.token + "/sendMessage";
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      continue;
    }
    // The first item whose backoff has passed (items keep their order otherwise).
    auto now = std::chrono::steady_clock::now();
    auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Item& i) { return i.not_before <= now; });
    if (it == queue_.end()) {
      auto next = std::min_element(queue_.begin(), queue_.end(),
                                   [](const Item& a, const Item& b) { return a.not_before < b.not_before; });
      cv_.wait_until(lock, next->not_before, [&] { return stopping_; });
      continue;
    }
    Item item = std::move(*it);
    queue_.erase(it);
    lock.unlock();
    auto r = http_post_json(target_, path, telegram_send_message_body(item.n), opt_.timeout_ms);
    const bool ok = r && r->status >= 200 && r->status < 300;
    // 4xx other than 429 will not get better by retrying (bad chat id, bot blocked by the user).
    const bool permanent = r && r->status >= 400 && r->status < 500 && r->status != 429;
    lock.lock();
    if (ok) {
      ++sent_;
      continue;
    }
    ++attempts_failed_;
    ++item.attempts;
    if (permanent || item.attempts >= opt_.max_attempts) {
      ++gave_up_;
      continue;
    }
    int64_t backoff = opt_.backoff_initial_ms;
    for (int i = 1; i < item.attempts && backoff < opt_.backoff_max_ms; ++i) backoff *= 2;
    item.not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min(backoff, opt_.backoff_max_ms));
    queue_.push_back(std::move(item));
  }
}

}  // namespace bitten::execution

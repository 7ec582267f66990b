#pragma once
// A fake Telegram Bot API on 127.0.0.1: records every request (path + body) and answers with the
// configured statuses in turn (then 200).
#include <atomic>
#include <boost/asio.hpp>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bitten::execution::testing {

class FakeTelegram {
 public:
  struct Request {
    std::string path;
    std::string body;
  };
  explicit FakeTelegram(std::deque<int> statuses = {}) : statuses_(std::move(statuses)) {
    using boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeTelegram() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the blocking accept with a connection of our own.
    boost::asio::ip::tcp::socket s(io_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Request> requests() {
    std::lock_guard l(mu_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      boost::asio::ip::tcp::socket sock(io_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stop_) return;
      std::string data;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        size_t n = sock.read_some(boost::asio::buffer(buf), ec);
        if (ec) break;
        data.append(buf, n);
        auto hdr_end = data.find("\r\n\r\n");
        if (hdr_end != std::string::npos && need == std::string::npos) {
          auto cl = data.find("Content-Length: ");
          size_t len = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
          need = hdr_end + 4 + len;
        }
        if (need != std::string::npos && data.size() >= need) break;
      }
      int status = 200;
      {
        std::lock_guard l(mu_);
        auto sp1 = data.find(' '), sp2 = data.find(' ', sp1 + 1);
        auto hdr_end = data.find("\r\n\r\n");
        requests_.push_back({data.substr(sp1 + 1, sp2 - sp1 - 1), hdr_end == std::string::npos ? "" : data.substr(hdr_end + 4)});
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.pop_front();
        }
      }
      std::string body = status == 200 ? "{\"ok\":true,\"result\":{}}" : "{\"ok\":false}";
      std::string resp = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      boost::asio::write(sock, boost::asio::buffer(resp), ec);
      sock.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Request> requests_;
  std::deque<int> statuses_;
};

}  // namespace bitten::execution::testing

#include "http_server.hpp"

#include "beast_convert.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <deque>
#include <map>
#include <thread>

namespace bitten::webapp {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, App& app, const ServerOptions& opt)
      : ws_(std::move(socket)), app_(app), opt_(opt) {}
  ~WsSession() {
    if (registered_) app_.ws_closed(id_);
  }

  void start(http::request<http::string_body> req, Principal principal, Surface surface) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(opt_.ws_max_inbound);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "bitten-webapp"); }));
    principal_ = std::move(principal);
    surface_ = surface;
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    std::weak_ptr<WsSession> weak = shared_from_this();
    id_ = app_.ws_opened(principal_, surface_, [weak](const WsPayload& msg) {
      auto self = weak.lock();
      return self ? self->send(msg) : false;
    });
    registered_ = true;
    auto hello = std::make_shared<const std::string>(
        nlohmann::json{{"type", "hello"}, {"user_id", principal_.user_id}, {"surface", to_string(surface_)}}.dump());
    send(hello);
    do_read();
  }

  bool send(const WsPayload& msg) {
    if (closed_ || queue_.size() >= opt_.ws_max_queue) return false;
    queue_.push_back(msg);
    if (queue_.size() == 1) do_write();
    return true;
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->close();
        return;
      }
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->do_write();
    });
  }

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->close();
        return;
      }
      self->buffer_.consume(self->buffer_.size());  // clients have nothing to tell us yet
      self->do_read();
    });
  }

  void close() {
    closed_ = true;
    queue_.clear();
    if (registered_) {
      registered_ = false;
      app_.ws_closed(id_);
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  App& app_;
  const ServerOptions& opt_;
  beast::flat_buffer buffer_;
  std::deque<WsPayload> queue_;
  Principal principal_;
  Surface surface_ = Surface::Trader;
  uint64_t id_ = 0;
  bool registered_ = false;
  bool closed_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, App& app, const ServerOptions& opt, Surface surface)
      : stream_(std::move(socket)), app_(app), opt_(opt), surface_(surface) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ip_ = ec ? std::string("?") : ep.address().to_string();
  }

  void run() { do_read(); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(opt_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(opt_.max_header_bytes));
    stream_.expires_after(std::chrono::seconds(opt_.read_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      Response r;
      r.status = ec == http::error::body_limit ? 413 : 431;
      r.body = R"({"error":"too_large"})";
      return write(std::move(r), 11, false);
    }
    if (ec) return;  // timeout, reset, malformed: drop the connection
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) {
      Request r = to_request(req, surface_, remote_ip_);
      if (r.target != "/ws" && r.target.rfind("/ws?", 0) != 0) {
        Response nf;
        nf.status = 404;
        nf.body = R"({"error":"not_found"})";
        return write(std::move(nf), req.version(), false);
      }
      auto verdict = app_.authorize_ws(r);
      if (auto* refusal = std::get_if<Response>(&verdict)) return write(std::move(*refusal), req.version(), false);
      stream_.expires_never();
      std::make_shared<WsSession>(stream_.release_socket(), app_, opt_)
          ->start(std::move(req), std::get<Principal>(verdict), surface_);
      return;
    }
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    auto self = shared_from_this();
    app_.handle(to_request(req, surface_, remote_ip_),
                [self, version, keep_alive](Response resp) { self->write(std::move(resp), version, keep_alive); });
  }

  void write(Response&& r, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(to_beast(std::move(r), version, keep_alive));
    stream_.expires_after(std::chrono::seconds(opt_.read_timeout_s));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec) return;
      if (!res->keep_alive()) return self->shutdown();
      self->do_read();
    });
  }

  void shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  App& app_;
  const ServerOptions& opt_;
  Surface surface_;
  std::string remote_ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, App& app, const ServerOptions& opt, Surface surface)
      : acceptor_(ioc), app_(app), opt_(opt), surface_(surface) {}

  Status open(const Listen& where) {
    beast::error_code ec;
    auto addr = asio::ip::make_address(where.host, ec);
    if (ec) return make_error("bad_config", "bad listen address " + where.host);
    tcp::endpoint ep(addr, where.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error("bind_failed", where.host + ":" + std::to_string(where.port) + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    return ok_status();
  }
  void start() { do_accept(); }
  void close() {
    beast::error_code ec;
    acceptor_.close(ec);
  }
  uint16_t port() const { return port_; }

 private:
  void do_accept() {
    acceptor_.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        std::make_shared<HttpSession>(std::move(s), self->app_, self->opt_, self->surface_)->run();
      }
      self->do_accept();  // EMFILE and friends: keep accepting once descriptors free up
    });
  }

  tcp::acceptor acceptor_;
  App& app_;
  const ServerOptions& opt_;
  Surface surface_;
  uint16_t port_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(App& a, ServerOptions o) : app(a), opt(o) {}
  App& app;
  ServerOptions opt;
  asio::io_context ioc{1};
  std::map<Surface, std::shared_ptr<Listener>> listeners;
  std::vector<std::shared_ptr<asio::steady_timer>> timers;
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> periodic;
  std::thread thread;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  void arm(std::shared_ptr<asio::steady_timer> t, std::chrono::milliseconds period, std::function<void()>* fn) {
    t->expires_after(period);
    t->async_wait([this, t, period, fn](beast::error_code ec) {
      if (ec) return;
      (*fn)();
      arm(t, period, fn);
    });
  }
};

HttpServer::HttpServer(App& app, ServerOptions options) : impl_(std::make_unique<Impl>(app, options)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::listen(Surface surface, const Listen& where) {
  auto l = std::make_shared<Listener>(impl_->ioc, impl_->app, impl_->opt, surface);
  if (auto st = l->open(where); !st) return st;
  impl_->listeners[surface] = l;
  return ok_status();
}

uint16_t HttpServer::port(Surface surface) const {
  auto it = impl_->listeners.find(surface);
  return it == impl_->listeners.end() ? 0 : it->second->port();
}

void HttpServer::start() {
  for (auto& [_, l] : impl_->listeners) l->start();
  for (auto& [period, fn] : impl_->periodic) {
    auto t = std::make_shared<asio::steady_timer>(impl_->ioc);
    impl_->timers.push_back(t);
    impl_->arm(t, period, &fn);
  }
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void HttpServer::stop() {
  if (!impl_) return;
  if (impl_->thread.joinable()) {
    asio::post(impl_->ioc, [this] {
      for (auto& [_, l] : impl_->listeners) l->close();
      for (auto& t : impl_->timers) t->cancel();
    });
    impl_->work.reset();
    impl_->ioc.stop();
    impl_->thread.join();
  }
}

void HttpServer::post(std::function<void()> fn) { asio::post(impl_->ioc, std::move(fn)); }

void HttpServer::every(std::chrono::milliseconds period, std::function<void()> fn) {
  impl_->periodic.emplace_back(period, std::move(fn));
}

}  // namespace bitten::webapp

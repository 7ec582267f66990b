#include "bitten/messaging/socket.hpp"

#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace bitten::messaging {

struct Context::Impl {
  zmq::context_t ctx{1};
  Impl() {
    // The default of 1023 sockets is too few for a router facing thousands of EAs or a simulator
    // playing them; the real limit is then the process's file descriptors.
    ctx.set(zmq::ctxopt::max_sockets, 65536);
  }
};

Context::Context() : impl_(std::make_unique<Impl>()) {}
Context::~Context() = default;
Context& Context::instance() {
  // Never destroyed: daemons close their sockets explicitly; a static context destroyed at exit
  // could block on sockets leaked by a crashing path.
  static Context* c = new Context();
  return *c;
}
void* Context::raw() { return &impl_->ctx; }
void Context::terminate() { impl_->ctx.close(); }

namespace {
zmq::socket_type to_zmq(SocketType t) {
  switch (t) {
    case SocketType::Pub: return zmq::socket_type::pub;
    case SocketType::Sub: return zmq::socket_type::sub;
    case SocketType::Push: return zmq::socket_type::push;
    case SocketType::Pull: return zmq::socket_type::pull;
    case SocketType::Router: return zmq::socket_type::router;
    case SocketType::Dealer: return zmq::socket_type::dealer;
    case SocketType::XPub: return zmq::socket_type::xpub;
    case SocketType::XSub: return zmq::socket_type::xsub;
  }
  return zmq::socket_type::pair;
}
}  // namespace

struct Socket::Impl {
  zmq::socket_t sock;
  explicit Impl(SocketType t) : sock(*static_cast<zmq::context_t*>(Context::instance().raw()), to_zmq(t)) {}
};

Socket::Socket(SocketType type, const SocketOptions& o) : impl_(std::make_unique<Impl>(type)), type_(type) {
  auto& s = impl_->sock;
  s.set(zmq::sockopt::sndhwm, o.sndhwm);
  s.set(zmq::sockopt::rcvhwm, o.rcvhwm);
  s.set(zmq::sockopt::linger, o.linger_ms);
  s.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(o.max_msg_size));
  if (o.sndtimeo_ms >= 0) s.set(zmq::sockopt::sndtimeo, o.sndtimeo_ms);
  if (type == SocketType::Router && o.router_mandatory) s.set(zmq::sockopt::router_mandatory, 1);
  if (!o.identity.empty()) s.set(zmq::sockopt::routing_id, zmq::buffer(o.identity));
}

Socket::~Socket() = default;
Socket::Socket(Socket&&) noexcept = default;
Socket& Socket::operator=(Socket&&) noexcept = default;

Status Socket::bind(const std::string& endpoint) {
  try {
    impl_->sock.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error("bind_failed", endpoint + ": " + e.what());
  }
  return ok_status();
}

Status Socket::connect(const std::string& endpoint) {
  try {
    impl_->sock.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return make_error("connect_failed", endpoint + ": " + e.what());
  }
  return ok_status();
}

void Socket::subscribe(std::string_view prefix) { impl_->sock.set(zmq::sockopt::subscribe, prefix); }

Result<bool> Socket::send(const Frames& frames, bool dont_wait) {
  try {
    for (size_t i = 0; i < frames.size(); ++i) {
      auto flags = zmq::send_flags::none;
      if (i + 1 < frames.size()) flags = flags | zmq::send_flags::sndmore;
      if (dont_wait) flags = flags | zmq::send_flags::dontwait;
      auto r = impl_->sock.send(zmq::buffer(frames[i].data(), frames[i].size()), flags);
      if (!r) return false;  // EAGAIN: would block (only possible on the first frame)
    }
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) return false;
    return make_error("send_failed", e.what());
  }
  return true;
}

Result<bool> Socket::send_one(std::string_view payload, bool dont_wait) {
  try {
    auto r = impl_->sock.send(zmq::buffer(payload.data(), payload.size()),
                              dont_wait ? zmq::send_flags::dontwait : zmq::send_flags::none);
    return r.has_value();
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) return false;
    return make_error("send_failed", e.what());
  }
}

Result<bool> Socket::send_topic(std::string_view topic, std::string_view payload, bool dont_wait) {
  try {
    auto f = zmq::send_flags::sndmore;
    if (dont_wait) f = f | zmq::send_flags::dontwait;
    if (!impl_->sock.send(zmq::buffer(topic.data(), topic.size()), f)) return false;
    impl_->sock.send(zmq::buffer(payload.data(), payload.size()),
                     dont_wait ? zmq::send_flags::dontwait : zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    return make_error("send_failed", e.what());
  }
  return true;
}

Result<bool> Socket::fanout(const Frames& frames) {
  auto& s = impl_->sock;
  try {
    s.set(zmq::sockopt::xpub_nodrop, 1);
    auto r = send(frames, true);  // NODROP: EAGAIN on the first frame when a matching subscriber is full
    s.set(zmq::sockopt::xpub_nodrop, 0);
    if (!r) return r.error();
    if (*r) return false;  // every matching subscriber had room
    r = send(frames, true);  // lossy: the subscribers with room get it, the full ones lose it
    if (!r) return r.error();
    return true;
  } catch (const zmq::error_t& e) {
    return make_error("send_failed", e.what());
  }
}

std::optional<Frames> Socket::recv(bool dont_wait) {
  Frames out;
  zmq::message_t msg;
  try {
    auto r = impl_->sock.recv(msg, dont_wait ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
    if (!r) return std::nullopt;
    out.emplace_back(static_cast<const char*>(msg.data()), msg.size());
    while (msg.more()) {
      (void)impl_->sock.recv(msg, zmq::recv_flags::none);
      out.emplace_back(static_cast<const char*>(msg.data()), msg.size());
    }
  } catch (const zmq::error_t&) {
    // ETERM/EINTR: the caller's loop re-checks its stop condition.
    if (out.empty()) return std::nullopt;
  }
  return out;
}

void* Socket::handle() { return impl_->sock.handle(); }

std::string Socket::last_endpoint() const { return impl_->sock.get(zmq::sockopt::last_endpoint); }

void Socket::close() { impl_->sock.close(); }

void run_proxy(Socket& frontend, Socket& backend, Socket* control) {
  zmq::socket_ref f(zmq::from_handle, frontend.handle());
  zmq::socket_ref b(zmq::from_handle, backend.handle());
  try {
    if (control) {
      zmq::proxy_steerable(f, b, zmq::socket_ref(), zmq::socket_ref(zmq::from_handle, control->handle()));
    } else {
      zmq::proxy(f, b);
    }
  } catch (const zmq::error_t&) {
    // Context terminated or interrupted: the proxy is over.
  }
}

}  // namespace bitten::messaging

#pragma once
// Typed ZeroMQ sockets. One socket is owned by one thread; none of these types is thread-safe.
// High-water marks and linger are always set on purpose (see SocketOptions).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitten/core/result.hpp"

namespace bitten::messaging {

// One process-wide context, created on first use, with one I/O thread.
class Context {
 public:
  static Context& instance();
  void* raw();  // zmq::context_t*, for this library's own use
  // Waits for every socket's queued messages to be sent (bounded by each socket's LINGER) and
  // ends the context. Call once at exit, after every socket has been closed.
  void terminate();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

 private:
  Context();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SocketOptions {
  int sndhwm = 10'000;   // messages queued per peer before PUB drops / PUSH blocks
  int rcvhwm = 10'000;
  int linger_ms = 500;   // how long close() may wait to flush queued messages
  int max_msg_size = 1 << 20;  // -1 = unlimited; larger inbound messages drop the connection
  bool router_mandatory = false;  // ROUTER: fail sends to unknown identities instead of dropping
  std::string identity;           // DEALER identity
  int sndtimeo_ms = -1;           // -1 = block
};

enum class SocketType { Pub, Sub, Push, Pull, Router, Dealer, XPub, XSub };

// A received or to-be-sent message: one or more frames.
using Frames = std::vector<std::string>;

class Socket {
 public:
  Socket(SocketType type, const SocketOptions& opt = {});
  ~Socket();
  Socket(Socket&&) noexcept;
  Socket& operator=(Socket&&) noexcept;

  Status bind(const std::string& endpoint);
  Status connect(const std::string& endpoint);
  void subscribe(std::string_view prefix);  // SUB only

  // Sends all frames as one message. Returns false if it would block (with sndtimeo) or
  // the peer is unknown (ROUTER_MANDATORY: EHOSTUNREACH) — the caller decides what that means.
  Result<bool> send(const Frames& frames, bool dont_wait = false);
  Result<bool> send_one(std::string_view payload, bool dont_wait = false);
  Result<bool> send_topic(std::string_view topic, std::string_view payload, bool dont_wait = false);

  // PUB/XPUB only. Delivers the message to every matching subscriber that has room and never
  // blocks, like a plain PUB send, and returns true when a matching subscriber has just reached its
  // high-water mark and lost this message (a plain PUB send drops silently). ZeroMQ then leaves that
  // subscriber out until it has read part of its backlog, so the newer events it loses meanwhile are not
  // reported again: true marks the start of one drop episode per subscriber, and the subscriber sees the
  // events it lost as gaps in `seq`. It asks first with ZMQ_XPUB_NODROP (refused when a matching
  // subscriber is full) and, when refused, sends again in the normal lossy mode.
  Result<bool> fanout(const Frames& frames);

  // Receives one whole message (all frames). nullopt when nothing is waiting (non-blocking).
  std::optional<Frames> recv(bool dont_wait = true);

  void* handle();  // the underlying zmq socket pointer, for polling
  SocketType type() const { return type_; }
  // Endpoint actually bound (resolves tcp://*:0 to a port).
  std::string last_endpoint() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SocketType type_;
};

// Runs a blocking proxy between frontend and backend (XSUB/XPUB) until the context terminates or
// the control socket receives "TERMINATE".
void run_proxy(Socket& frontend, Socket& backend, Socket* control);

}  // namespace bitten::messaging

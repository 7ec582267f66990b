#pragma once
// The HTTP/1.1 + WebSocket transport (Boost.Beast), hidden behind a small interface so that only
// http_server.cpp pays Beast's compile cost. One io_context on one thread runs every connection
// and calls the App; other threads hand work to it with post().
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "app.hpp"
#include "bitten/core/result.hpp"
#include "webapp_config.hpp"

namespace bitten::webapp {

struct ServerOptions {
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int read_timeout_s = 30;
  size_t ws_max_queue = 256;
  size_t ws_max_inbound = 4096;
};

class HttpServer {
 public:
  HttpServer(App& app, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting (port 0 picks a free port; see port()).
  Status listen(Surface surface, const Listen& where);
  uint16_t port(Surface surface) const;

  // Runs the io_context on a new thread / stops it and joins.
  void start();
  void stop();
  // Thread-safe: runs fn on the HTTP thread.
  void post(std::function<void()> fn);
  // Runs fn on the HTTP thread every period (from start()).
  void every(std::chrono::milliseconds period, std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bitten::webapp

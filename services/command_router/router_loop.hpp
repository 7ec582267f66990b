#pragma once
// command_router's socket loop: PULL (IPC queue) + ROUTER 5555 (ROUTER_MANDATORY), one thread.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/execution/command_router.hpp"
#include "bitten/execution/exec_config.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/store/database.hpp"

namespace bitten::execution {

using EventSink = std::function<void(const Event&)>;

struct RouterLoopDeps {
  store::Database& db;
  const SymbolTable& symbols;
  runtime::Health& health;
  const Clock& clock;
  EventSink sink;                                  // every event (fire, ea, alert)
  runtime::EventPublisher* health_pub = nullptr;   // health heartbeat, if given
  int64_t health_interval_ms = 1000;
};

// Binds both sockets, calls on_ready, loops until should_stop().
Status run_router_loop(const RouterConfig& cfg, const RouterOptions& options, RouterLoopDeps deps,
                       const std::function<bool()>& should_stop, const std::function<void()>& on_ready = {});

}  // namespace bitten::execution

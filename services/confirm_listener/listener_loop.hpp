#pragma once
// confirm_listener's socket loop: PULL 5558 (+ optional SUB to the bridge's ticks for close
// prices) and the fire-timeout sweep timer, one thread.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/execution/confirm_listener.hpp"
#include "bitten/execution/exec_config.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/store/database.hpp"

namespace bitten::execution {

struct ListenerLoopDeps {
  store::Database& db;
  const SymbolTable& symbols;
  runtime::Health& health;
  const Clock& clock;
  std::function<void(const Event&)> sink;
  runtime::EventPublisher* health_pub = nullptr;
  int64_t health_interval_ms = 1000;
};

Status run_listener_loop(const ListenerConfig& cfg, ListenerLoopDeps deps, const std::function<bool()>& should_stop,
                         const std::function<void()>& on_ready = {});

}  // namespace bitten::execution

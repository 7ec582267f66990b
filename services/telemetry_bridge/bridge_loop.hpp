#pragma once
// The bridge's socket loop: PULL -> TelemetryBridge -> PUB, one thread owning both sockets.
// main() runs it on the documented ports; integration tests run it on ipc:// endpoints.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/runtime/health.hpp"
#include "bridge_config.hpp"

namespace bitten::bridge {

// Binds, then calls on_ready (if given) and loops until should_stop() returns true.
// events, if given, receives the health heartbeat every health_interval_ms.
Status run_bridge_loop(const BridgeConfig& cfg, const SymbolTable& symbols, runtime::Health& health,
                       const Clock& clock, const std::function<bool()>& should_stop,
                       runtime::EventPublisher* events = nullptr, int64_t health_interval_ms = 1000,
                       const std::function<void()>& on_ready = {});

}  // namespace bitten::bridge

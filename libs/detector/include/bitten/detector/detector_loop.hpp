#pragma once
// The detector daemons' socket loop: SUB market data (tick. and bar. topics) -> Detector -> PUSH
// candidates, one thread owning both sockets. main() runs it on the documented ports; integration
// tests run it on ipc:// endpoints.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/detector/pattern_config.hpp"
#include "bitten/runtime/health.hpp"

namespace bitten::detector {

// Connects, then calls on_ready (if given) and loops until should_stop() returns true.
Status run_detector_loop(const DetectorConfig& cfg, const SymbolTable& symbols, runtime::Health& health,
                         const Clock& clock, const std::function<bool()>& should_stop,
                         runtime::EventPublisher* events = nullptr, int64_t health_interval_ms = 1000,
                         const std::function<void()>& on_ready = {});

}  // namespace bitten::detector

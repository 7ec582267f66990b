#pragma once
// outcome_tracker's socket loop: SUB ticks + SUB scored signals -> OutcomeTracker -> events on the
// bus. One thread owns both sockets, the database connection and the event publisher.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/result.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/store/database.hpp"
#include "tracker_config.hpp"

namespace bitten::outcomes {

// Restores open trackings, connects, calls on_ready and loops until should_stop(). events receives
// outcome and fire events and (every health_interval_ms) the heartbeat; may be null in tests.
Status run_tracker_loop(const TrackerConfig& cfg, const SymbolTable& symbols, store::Database& db,
                        runtime::Health& health, const Clock& clock, const std::function<bool()>& should_stop,
                        runtime::EventPublisher* events = nullptr, int64_t health_interval_ms = 1000,
                        const std::function<void()>& on_ready = {});

}  // namespace bitten::outcomes

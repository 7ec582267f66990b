#pragma once
// ml_filter's socket loop: PULL candidates -> MlFilter -> PUB scored signals, one thread owning both
// sockets. Model swaps from the ModelHost are applied on this thread between two messages, so a new
// model never delays a message by more than one scoring and no message is lost during a swap.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/result.hpp"
#include "bitten/runtime/health.hpp"
#include "filter_config.hpp"
#include "model_host.hpp"

namespace bitten::mlfilter {

// Binds, calls on_ready (if given) and loops until should_stop(). host may be null (cold start
// only). Every model the loop was given is handed back to the host before returning.
Status run_filter_loop(const FilterConfig& cfg, runtime::Health& health, const Clock& clock,
                       const std::function<bool()>& should_stop, ModelHost* host,
                       runtime::EventPublisher* events = nullptr, int64_t health_interval_ms = 1000,
                       const std::function<void()>& on_ready = {});

}  // namespace bitten::mlfilter

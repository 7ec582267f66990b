#pragma once
// signal_relay's socket loop: SUB 5557 (scored signals), SUB 5560 (ticks, for lot previews and
// auto-fire sizing), PUSH to the router's IPC queue (auto-fire commands), one thread. Telegram
// notifications are handed to the notifier's own thread.
#include <functional>

#include "bitten/core/clock.hpp"
#include "bitten/core/ids.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/execution/exec_config.hpp"
#include "bitten/execution/signal_relay.hpp"
#include "bitten/execution/telegram.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/store/database.hpp"

namespace bitten::execution {

struct RelayLoopDeps {
  store::Database& db;
  const risk::RiskConfig& risk;
  const SymbolTable& symbols;
  IdGenerator& ids;
  runtime::Health& health;
  const Clock& clock;
  std::function<void(const Event&)> sink;
  TelegramNotifier* telegram = nullptr;  // started by the caller; nullptr = no Telegram
  runtime::EventPublisher* health_pub = nullptr;
  int64_t health_interval_ms = 1000;
};

Status run_relay_loop(const RelayConfig& cfg, RelayLoopDeps deps, const std::function<bool()>& should_stop,
                      const std::function<void()>& on_ready = {});

}  // namespace bitten::execution

#pragma once
// signal_relay's logic: every scored signal from ml_filter (SUB 5557) is stored once; each accepted
// one becomes a mission for every eligible user (tier allows the class, user not halted), with that
// user's lot preview and the risk config's expiry; users in AUTO mode whose tier allows auto-fire
// and whose threshold the signal's score meets are fired through the SAME FireService as a manual
// fire, and the same CommandMsg goes to the router's queue. No sockets; time injected.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bitten/core/ids.hpp"
#include "bitten/core/symbols.hpp"
#include "bitten/execution/events.hpp"
#include "bitten/risk/config.hpp"
#include "bitten/risk/engine.hpp"
#include "bitten/risk/fire_service.hpp"
#include "bitten/runtime/health.hpp"
#include "bitten/schema/command.hpp"
#include "bitten/schema/envelope.hpp"
#include "bitten/schema/signal.hpp"
#include "bitten/store/database.hpp"

namespace bitten::execution {

struct RelayOptions {
  bool auto_fire = true;
  // "{mission_id}" and "{signal_id}" are replaced (the mission page of the trader web app).
  std::string mission_url_template = "http://127.0.0.1:8888/mission/{mission_id}";
};

// A Telegram message for one user (sent by the notifier thread).
struct Notification {
  int64_t chat_id = 0;
  std::string user_id;
  std::string mission_id;
  std::string text;
  std::string button_text;
  std::string button_url;
};

// A command for the router's IPC queue: [topic][envelope].
struct QueuedCommand {
  std::string topic;    // cmd.<uuid>
  std::string payload;  // envelope type "command"
  std::string fire_id;
  std::string user_id;
};

struct RelayOutput {
  Events events;
  std::vector<QueuedCommand> commands;
  std::vector<Notification> notifications;
  void clear() {
    events.clear();
    commands.clear();
    notifications.clear();
  }
};

std::string mission_url(const std::string& url_template, const std::string& mission_id, const std::string& signal_id);
std::string notification_text(const store::SignalRecord& s, double lot_preview, int64_t expiry_s);

class SignalRelay {
 public:
  SignalRelay(store::Database& db, const risk::RiskConfig& risk, const SymbolTable& symbols, IdGenerator& ids,
              RelayOptions options, runtime::Health& health);

  // [signal.<SYMBOL>][envelope "signal"] from 5557.
  void on_frames(const std::vector<std::string>& frames, int64_t now_ns, const risk::QuoteSource& quotes,
                 RelayOutput& out);
  // A signal the database refused (busy beyond the timeout, disk full) in part or whole is kept and
  // processed again by on_timer, in arrival order, until it went through: processing is idempotent
  // (signal once, one mission per user and signal, one auto-fire key per mission).
  void on_signal(const schema::SignalMsg& msg, int64_t now_ns, const risk::QuoteSource& quotes, RelayOutput& out);
  void on_timer(int64_t now_ns, const risk::QuoteSource& quotes, RelayOutput& out);
  size_t pending_signals() const { return pending_.size(); }
  static constexpr size_t kMaxPending = 10'000;  // beyond it the oldest is dropped (counted)
  // The queue refused an auto-fire command (HWM / router gone): the fire is UNDELIVERABLE now rather
  // than QUEUED until the sweep.
  void on_command_push_failed(const QueuedCommand& c, int64_t now_ns, RelayOutput& out);

  // Whether auto-fire may consider this signal at all (the engine re-checks it for each user).
  bool auto_score_ok(const schema::SignalMsg& msg) const;

 private:
  // false: a database error left part of the work undone (retry it all).
  bool process(const schema::SignalMsg& msg, int64_t now_ns, const risk::QuoteSource& quotes, RelayOutput& out);
  bool auto_fire(const std::string& user_id, const std::string& mission_id, int64_t now_ns,
                 const risk::QuoteSource& quotes, RelayOutput& out);
  void keep(const schema::SignalMsg& msg);

  store::Database& db_;
  const risk::RiskConfig& risk_;
  const SymbolTable& symbols_;
  IdGenerator& ids_;
  RelayOptions opt_;
  runtime::Health& health_;
  risk::FireService fires_;
  schema::EnvelopeWriter command_writer_{"signal_relay"};
  std::map<std::string, schema::SeqTracker> seq_;  // per publisher and type ("src/type")
  std::deque<schema::SignalMsg> pending_;           // refused by the database, oldest first
};

}  // namespace bitten::execution

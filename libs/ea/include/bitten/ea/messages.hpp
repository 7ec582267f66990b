#pragma once
// Everything the v2.05 EA sends, field for field (names and types as the EA writes them).
// Every message keeps the raw broker-time string `timestamp` and `broker_epoch`, the same time
// read as if it were UTC (bitten::parse_datetime); 0 when absent or malformed (TICK and OHLC
// refuse a malformed timestamp instead).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bitten::ea {

// PUSH 5556, at most once per symbol per second.
struct Tick {
  std::string node_id;
  std::string user_uuid;
  std::string symbol;
  double bid = 0;
  double ask = 0;
  double spread = 0;   // in points, 1 dp
  int64_t volume = 0;  // MqlTick.volume: 0 for spot FX
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5556, every 60 s (M1; M5/M15 almost never). No volume field.
struct Ohlc {
  std::string node_id;
  std::string user_uuid;
  std::string symbol;
  std::string timeframe;  // "M1" "M5" "M15" "M30" "H1"
  int64_t time = 0;       // bar open, epoch seconds in broker time
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5556 "handshake", once at init.
struct Handshake {
  std::string deployment_mode;  // "universal_dealer"
  std::string node_id;
  std::string user_uuid;
  int64_t account = 0;
  std::string broker;  // ACCOUNT_COMPANY
  std::string server;  // ACCOUNT_SERVER
  std::string chart_symbol;
  int64_t monitored_symbols = 0;
  std::string symbol_list;  // first 20 symbols, comma-joined
  std::string currency;
  double balance = 0;
  double equity = 0;
  int64_t leverage = 0;
  std::string version;
  std::string socket_type;  // "DEALER"
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5556 "heartbeat" (lower case), every 30 s.
struct TelemetryHeartbeat {
  std::string node_id;
  std::string user_uuid;
  int64_t account = 0;
  std::string currency;
  double balance = 0;
  double equity = 0;
  int64_t leverage = 0;
  double free_margin = 0;
  double margin_level = 0;
  int64_t symbols_monitored = 0;
  int64_t ticks_processed = 0;
  std::string socket_type;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5556 "DISCONNECT", on deinit.
struct Disconnect {
  std::string deployment_mode;
  std::string node_id;
  std::string user_uuid;
  int64_t symbols_monitored = 0;
  int64_t ticks_processed = 0;
  std::string socket_type;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// DEALER 5555 "HELLO", once at init.
struct Hello {
  std::string target_uuid;
  std::string node_id;
  std::string account_login;  // a string here, unlike `account` elsewhere
  std::string broker;         // ACCOUNT_SERVER (note: handshake.broker is the company)
  std::string company;
  std::string terminal;
  std::string currency;
  double balance = 0;
  double equity = 0;
  int64_t leverage = 0;
  double margin = 0;
  double free_margin = 0;
  double margin_level = 0;
  int64_t symbols = 0;
  std::string version;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// One entry of the v2.06H HEARTBEAT positions[] array.
struct Position {
  int64_t ticket = 0;
  std::string fire_id;
  std::string symbol;
  std::string direction;
  double open_price = 0;
  double current_price = 0;
  double volume = 0;
  double pnl = 0;
};

// DEALER 5555 "HEARTBEAT" (upper case), every 30 s. The optional members are the v2.06H additions.
struct DealerHeartbeat {
  std::string target_uuid;
  std::string node_id;
  std::string currency;
  double balance = 0;
  double equity = 0;
  int64_t leverage = 0;
  double margin = 0;
  double free_margin = 0;
  double margin_level = 0;
  int64_t ticks_processed = 0;  // chart-symbol ticks only
  std::string timestamp;
  int64_t broker_epoch = 0;
  std::optional<std::string> user_id;
  std::optional<std::string> account_login;
  std::optional<std::string> broker;
  std::optional<int64_t> ts;
  std::optional<int64_t> open_positions;
  std::optional<std::vector<Position>> positions;
};

// PUSH 5558 "confirmation": after every fire and for unknown commands.
struct Confirmation {
  std::string command_type;  // "fire" | "unknown"
  std::string fire_id;       // may be ""
  std::string node_id;
  std::string user_uuid;
  std::string status;   // "success" | "failed"
  int64_t ticket = 0;   // MT5 order ticket (result.order), 0 on failure
  double price = 0;     // 5 dp
  double lot = 0;       // the requested lot, 2 dp
  std::string message;  // free text, never escaped by the EA
  int64_t account = 0;
  std::string currency;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  double margin_level = 0;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5558 "close_confirmation". No fire_id.
struct CloseConfirmation {
  std::string command_type;  // "close_all" | "close_ticket"
  std::string node_id;
  std::string user_uuid;
  std::string status;
  int64_t ticket = 0;
  double close_price = 0;  // always 0 in v2.05
  double lot = 0;          // volume closed
  std::string message;
  int64_t account = 0;
  std::string currency;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  double margin_level = 0;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

// PUSH 5558 "pong".
struct Pong {
  std::string ping_id;
  std::string node_id;
  std::string user_uuid;
  std::string timestamp;
  int64_t broker_epoch = 0;
};

using EaMessage = std::variant<Tick, Ohlc, Handshake, TelemetryHeartbeat, Disconnect, Hello, DealerHeartbeat,
                               Confirmation, CloseConfirmation, Pong>;

// The wire `type` of a message: "TICK", "OHLC", "handshake", "heartbeat", "DISCONNECT", "HELLO",
// "HEARTBEAT", "confirmation", "close_confirmation", "pong".
std::string_view wire_type(const EaMessage& message);

}  // namespace bitten::ea

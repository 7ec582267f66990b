#pragma once
// Row types of the store. Times are UTC nanoseconds since the epoch.
#include <cstdint>
#include <optional>
#include <string>

#include "bitten/store/fire_state.hpp"

namespace bitten::store {

struct UserRecord {
  std::string user_id;
  std::optional<int64_t> telegram_id;
  std::string display_name;
  std::string tier;             // a key of config/risk.json "tiers"
  std::string role = "trader";  // "trader" | "admin"
  bool halted = false;
  std::string halt_reason;
  int64_t created_ns = 0;
  int64_t updated_ns = 0;
};

struct EaInstance {
  std::string uuid;
  std::optional<std::string> user_id;
  std::string node_id;
  std::string account_login;
  std::string broker;
  std::string currency;
  int64_t leverage = 0;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  std::optional<double> sod_equity;
  std::optional<int64_t> sod_day;
  bool blocked = false;
  int64_t first_seen_ns = 0;
  int64_t last_seen_ns = 0;
};

// What an EA report (HELLO / heartbeat / confirmation) tells us.
struct EaReport {
  std::string uuid;
  std::string node_id;
  std::string account_login;
  std::string broker;
  std::string currency;
  int64_t leverage = 0;
  double balance = 0;
  double equity = 0;
  double free_margin = 0;
  int64_t seen_ns = 0;
};

struct SignalRecord {
  std::string signal_id;
  std::string symbol;
  std::string direction;
  std::string pattern;
  std::string timeframe;
  std::string signal_class;
  std::string session;
  double entry = 0, sl = 0, tp = 0;
  double sl_pips = 0, tp_pips = 0, rr = 0;
  double confidence = 0;
  double spread_pips = 0;
  double atr_pips = 0;
  bool accepted = false;
  std::optional<double> probability;
  std::string model_version = "none";
  std::string score_reason;
  int64_t bar_time_ns = 0;
  int64_t detected_ns = 0;
  std::string source;
  std::string payload_json = "{}";
  int64_t created_ns = 0;
};

struct MissionRecord {
  std::string mission_id;
  std::string user_id;
  std::string signal_id;
  double lot_preview = 0;
  int64_t created_ns = 0;
  int64_t expires_ns = 0;
};

struct FireRecord {
  std::string fire_id;
  std::optional<std::string> mission_id;
  std::string user_id;
  std::optional<std::string> signal_id;
  std::string ea_uuid;
  std::string mode = "MANUAL";  // "MANUAL" | "AUTO"
  std::string symbol;
  std::string direction;
  double lot = 0, entry = 0, sl = 0, tp = 0;
  double risk_pct = 0, risk_amount = 0, balance_used = 0;
  FireState state = FireState::REQUESTED;
  std::string reason;
  std::string reason_detail;
  std::optional<std::string> idempotency_key;
  std::optional<int64_t> ticket;
  std::optional<double> fill_price;
  std::optional<double> close_price;
  std::optional<std::string> close_result;
  std::optional<double> pnl;
  bool close_inferred = false;
  int64_t requested_ns = 0;
  std::optional<int64_t> rejected_ns, queued_ns, sent_ns, undeliverable_ns, filled_ns, failed_ns, timeout_ns,
      closed_ns;
  int64_t updated_ns = 0;
};

struct PositionRecord {
  std::string fire_id;
  std::string user_id;
  std::string ea_uuid;
  std::string symbol;
  std::string direction;
  double lot = 0, open_price = 0, sl = 0, tp = 0;
  std::optional<int64_t> ticket;
  std::string status = "OPEN";  // "OPEN" | "CLOSED"
  int64_t opened_ns = 0;
  std::optional<double> close_price;
  std::optional<int64_t> closed_ns;
  std::optional<double> pnl;
  std::optional<double> pips;
  std::optional<std::string> close_reason;
  bool inferred = false;
};

struct OutcomeRecord {
  std::string signal_id;
  std::optional<std::string> fire_id;
  std::string result;  // WIN | LOSS | BE | TIMEOUT | CANCELLED
  std::optional<double> exit_price;
  double pips = 0, r_multiple = 0, mfe_pips = 0, mae_pips = 0;
  int64_t opened_ns = 0;
  int64_t resolved_ns = 0;
  std::string source = "virtual";  // virtual | broker | inferred
};

struct TrainingRow {
  std::string signal_id;
  std::string features_json;
  std::optional<int> label;  // 1 WIN, 0 LOSS, nullopt TIMEOUT
  std::string result;
  bool accepted = false;
  int64_t detected_ns = 0;
  int64_t resolved_ns = 0;
};

struct ModelRecord {
  std::string version;
  std::string path;
  int64_t created_ns = 0;
  std::string metrics_json = "{}";
  double threshold = 0.5;
  bool is_current = false;
  std::optional<int64_t> promoted_ns;
  std::optional<int64_t> rolled_back_ns;
};

struct AuditEntry {
  int64_t audit_id = 0;
  int64_t ts_ns = 0;
  std::string actor;
  std::string action;
  std::string target;
  std::string detail_json = "{}";
};

struct ApiTokenRecord {
  std::string token_id;
  std::string user_id;
  std::string name;
  std::string token_hash;
  int64_t created_ns = 0;
  std::optional<int64_t> last_used_ns;
  std::optional<int64_t> revoked_ns;
};

struct SessionRecord {
  std::string token_hash;
  std::string user_id;
  int64_t created_ns = 0;
  int64_t expires_ns = 0;
  bool revoked = false;
};

// A slot holder as the risk rules see it: an open position or an in-flight fire.
struct ExposureRow {
  std::string fire_id;
  std::string symbol;
  std::string direction;
};

}  // namespace bitten::store

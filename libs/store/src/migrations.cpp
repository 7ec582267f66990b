#include "bitten/store/migrations.hpp"
#include "statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>

#include "bitten/store/errors.hpp"

namespace bitten::store {

namespace {

// Version 1: the tables of design §7. Times are UTC nanoseconds since the epoch (*_ns).
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE users (
  user_id       TEXT PRIMARY KEY,
  telegram_id   INTEGER UNIQUE,
  display_name  TEXT NOT NULL DEFAULT '',
  tier          TEXT NOT NULL,
  role          TEXT NOT NULL DEFAULT 'trader' CHECK (role IN ('trader', 'admin')),
  halted        INTEGER NOT NULL DEFAULT 0 CHECK (halted IN (0, 1)),
  halt_reason   TEXT,
  created_ns    INTEGER NOT NULL,
  updated_ns    INTEGER NOT NULL
);

CREATE TABLE user_modes (
  user_id     TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
  mode        TEXT NOT NULL DEFAULT 'SELECT' CHECK (mode IN ('SELECT', 'AUTO')),
  updated_ns  INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,           -- SHA-256 hex of the cookie value; the value is never stored
  user_id     TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  created_ns  INTEGER NOT NULL,
  expires_ns  INTEGER NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX idx_sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  token_id      TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  name          TEXT NOT NULL DEFAULT '',
  token_hash    TEXT NOT NULL UNIQUE,     -- SHA-256 hex; the token itself is shown once and never stored
  created_ns    INTEGER NOT NULL,
  last_used_ns  INTEGER,
  revoked_ns    INTEGER
);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id);

CREATE TABLE ea_instances (
  uuid           TEXT PRIMARY KEY,        -- the EA's target_uuid (DEALER identity)
  user_id        TEXT REFERENCES users(user_id) ON DELETE SET NULL,  -- bound server-side by an admin
  node_id        TEXT NOT NULL DEFAULT '',
  account_login  TEXT NOT NULL DEFAULT '',
  broker         TEXT NOT NULL DEFAULT '',
  currency       TEXT NOT NULL DEFAULT '',
  leverage       INTEGER NOT NULL DEFAULT 0,
  balance        REAL NOT NULL DEFAULT 0,
  equity         REAL NOT NULL DEFAULT 0,
  free_margin    REAL NOT NULL DEFAULT 0,
  sod_equity     REAL,                    -- equity at the first report of the current UTC day
  sod_day        INTEGER,                 -- that UTC day (days since the epoch)
  blocked        INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),  -- duplicate identity alert
  first_seen_ns  INTEGER NOT NULL,
  last_seen_ns   INTEGER NOT NULL
);
CREATE INDEX idx_ea_user ON ea_instances(user_id, last_seen_ns);
CREATE INDEX idx_ea_last_seen ON ea_instances(last_seen_ns);

CREATE TABLE signals (
  signal_id      TEXT PRIMARY KEY,
  symbol         TEXT NOT NULL,
  direction      TEXT NOT NULL CHECK (direction IN ('BUY', 'SELL')),
  pattern        TEXT NOT NULL,
  timeframe      TEXT NOT NULL,
  signal_class   TEXT NOT NULL,
  session        TEXT NOT NULL DEFAULT '',
  entry          REAL NOT NULL,
  sl             REAL NOT NULL,
  tp             REAL NOT NULL,
  sl_pips        REAL NOT NULL,
  tp_pips        REAL NOT NULL,
  rr             REAL NOT NULL,
  confidence     REAL NOT NULL,
  spread_pips    REAL NOT NULL DEFAULT 0,
  atr_pips       REAL NOT NULL DEFAULT 0,
  accepted       INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
  probability    REAL,                    -- NULL at cold start (no model)
  model_version  TEXT NOT NULL DEFAULT 'none',
  score_reason   TEXT NOT NULL DEFAULT '',
  bar_time_ns    INTEGER NOT NULL,
  detected_ns    INTEGER NOT NULL,
  source         TEXT NOT NULL DEFAULT '',
  payload_json   TEXT NOT NULL,           -- the whole signal message as received
  created_ns     INTEGER NOT NULL
);
CREATE INDEX idx_signals_detected ON signals(detected_ns);
CREATE INDEX idx_signals_symbol_detected ON signals(symbol, detected_ns);

CREATE TABLE missions (
  mission_id   TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  signal_id    TEXT NOT NULL REFERENCES signals(signal_id),
  lot_preview  REAL NOT NULL DEFAULT 0,   -- the lot offered when the mission was created
  created_ns   INTEGER NOT NULL,
  expires_ns   INTEGER NOT NULL,
  UNIQUE (user_id, signal_id)
);
CREATE INDEX idx_missions_user_created ON missions(user_id, created_ns);
CREATE INDEX idx_missions_signal ON missions(signal_id);

CREATE TABLE fires (
  fire_id          TEXT PRIMARY KEY
                   CHECK (length(fire_id) BETWEEN 1 AND 31 AND fire_id NOT GLOB '*[^!-~]*'),
  mission_id       TEXT REFERENCES missions(mission_id),   -- NULL only for a refused unknown mission
  user_id          TEXT NOT NULL REFERENCES users(user_id),
  signal_id        TEXT REFERENCES signals(signal_id),
  ea_uuid          TEXT NOT NULL DEFAULT '',
  mode             TEXT NOT NULL DEFAULT 'MANUAL' CHECK (mode IN ('MANUAL', 'AUTO')),
  symbol           TEXT NOT NULL DEFAULT '',
  direction        TEXT NOT NULL DEFAULT '' CHECK (direction IN ('', 'BUY', 'SELL')),
  lot              REAL NOT NULL DEFAULT 0,
  entry            REAL NOT NULL DEFAULT 0,
  sl               REAL NOT NULL DEFAULT 0,
  tp               REAL NOT NULL DEFAULT 0,
  risk_pct         REAL NOT NULL DEFAULT 0,
  risk_amount      REAL NOT NULL DEFAULT 0,
  balance_used     REAL NOT NULL DEFAULT 0,
  state            TEXT NOT NULL CHECK (state IN ('REQUESTED', 'REJECTED', 'QUEUED', 'SENT', 'UNDELIVERABLE',
                                                  'FILLED', 'FAILED', 'TIMEOUT', 'CLOSED')),
  reason           TEXT NOT NULL DEFAULT '',
  reason_detail    TEXT NOT NULL DEFAULT '',
  idempotency_key  TEXT,
  ticket           INTEGER,
  fill_price       REAL,
  close_price      REAL,
  close_result     TEXT,                  -- WIN / LOSS / BE / CANCELLED ...
  pnl              REAL,
  close_inferred   INTEGER NOT NULL DEFAULT 0 CHECK (close_inferred IN (0, 1)),
  requested_ns     INTEGER NOT NULL,
  rejected_ns      INTEGER,
  queued_ns        INTEGER,
  sent_ns          INTEGER,
  undeliverable_ns INTEGER,
  filled_ns        INTEGER,
  failed_ns        INTEGER,
  timeout_ns       INTEGER,
  closed_ns        INTEGER,
  updated_ns       INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_fires_user_idem ON fires(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- One live fire per mission (and a mission belongs to one user): refused and undelivered ones free it.
CREATE UNIQUE INDEX uq_fires_mission_live ON fires(mission_id)
  WHERE mission_id IS NOT NULL AND state NOT IN ('REJECTED', 'UNDELIVERABLE');
CREATE INDEX idx_fires_user_state ON fires(user_id, state);
CREATE INDEX idx_fires_user_requested ON fires(user_id, requested_ns);
CREATE INDEX idx_fires_state_updated ON fires(state, updated_ns);
CREATE INDEX idx_fires_signal ON fires(signal_id);

CREATE TABLE positions (
  fire_id       TEXT PRIMARY KEY REFERENCES fires(fire_id),
  user_id       TEXT NOT NULL REFERENCES users(user_id),
  ea_uuid       TEXT NOT NULL DEFAULT '',
  symbol        TEXT NOT NULL,
  direction     TEXT NOT NULL CHECK (direction IN ('BUY', 'SELL')),
  lot           REAL NOT NULL,
  open_price    REAL NOT NULL,
  sl            REAL NOT NULL,
  tp            REAL NOT NULL,
  ticket        INTEGER,
  status        TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
  opened_ns     INTEGER NOT NULL,
  close_price   REAL,
  closed_ns     INTEGER,
  pnl           REAL,                     -- account currency
  pips          REAL,
  close_reason  TEXT,
  inferred      INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1))
);
CREATE INDEX idx_positions_user_status ON positions(user_id, status);
CREATE INDEX idx_positions_status_symbol ON positions(status, symbol);
CREATE INDEX idx_positions_user_closed ON positions(user_id, closed_ns);

CREATE TABLE outcomes (
  outcome_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  signal_id    TEXT NOT NULL REFERENCES signals(signal_id),
  fire_id      TEXT REFERENCES fires(fire_id),  -- NULL: the signal's own (virtual) grade
  result       TEXT NOT NULL CHECK (result IN ('WIN', 'LOSS', 'BE', 'TIMEOUT', 'CANCELLED')),
  exit_price   REAL,
  pips         REAL NOT NULL DEFAULT 0,
  r_multiple   REAL NOT NULL DEFAULT 0,
  mfe_pips     REAL NOT NULL DEFAULT 0,
  mae_pips     REAL NOT NULL DEFAULT 0,
  opened_ns    INTEGER NOT NULL,
  resolved_ns  INTEGER NOT NULL,
  source       TEXT NOT NULL DEFAULT 'virtual' CHECK (source IN ('virtual', 'broker', 'inferred'))
);
CREATE UNIQUE INDEX uq_outcomes_signal_fire ON outcomes(signal_id, ifnull(fire_id, ''));
CREATE INDEX idx_outcomes_resolved ON outcomes(resolved_ns);

CREATE TABLE ml_training (
  signal_id      TEXT PRIMARY KEY REFERENCES signals(signal_id),
  features_json  TEXT NOT NULL,
  label          INTEGER CHECK (label IN (0, 1)),   -- 1 WIN, 0 LOSS; NULL (TIMEOUT) is excluded from training
  result         TEXT NOT NULL,
  accepted       INTEGER NOT NULL DEFAULT 0,
  detected_ns    INTEGER NOT NULL,
  resolved_ns    INTEGER NOT NULL
);
CREATE INDEX idx_ml_training_detected ON ml_training(detected_ns);

CREATE TABLE models (
  version         TEXT PRIMARY KEY,
  path            TEXT NOT NULL,
  created_ns      INTEGER NOT NULL,
  metrics_json    TEXT NOT NULL DEFAULT '{}',
  threshold       REAL NOT NULL DEFAULT 0.5,
  is_current      INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
  promoted_ns     INTEGER,                -- last time it was promoted (NULL: never)
  rolled_back_ns  INTEGER                 -- set when a rollback took it out of service
);
CREATE UNIQUE INDEX uq_models_current ON models(is_current) WHERE is_current = 1;

CREATE TABLE audit_log (
  audit_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ns        INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL DEFAULT '',
  detail_json  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_audit_ts ON audit_log(ts_ns);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE system_flags (
  name        TEXT PRIMARY KEY,           -- e.g. 'global_halt'
  value       TEXT NOT NULL,
  updated_ns  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL DEFAULT ''
);
)SQL";

// Version 2: a per-user auto-fire minimum probability (NULL: risk.json's auto_fire.min_probability
// applies); an index for the Throne's "recent fires across all users"; an index for finding a
// signal's missions (the webapp offers them to connected users).
constexpr std::string_view kV2 = R"SQL(
ALTER TABLE user_modes ADD COLUMN auto_min_probability REAL
  CHECK (auto_min_probability IS NULL OR (auto_min_probability >= 0.5 AND auto_min_probability <= 0.99));
CREATE INDEX fires_requested ON fires(requested_ns);
CREATE INDEX missions_signal ON missions(signal_id);
)SQL";

// Version 3: covering indexes for the reads every fire makes under the write lock. The risk rules
// need, per user, the open positions' and in-flight fires' (fire_id, symbol, direction) and the
// count of today's trades by state; with these indexes they come from the index alone, never from
// the table rows (each replaces a narrower index it extends, so no query loses its index).
constexpr std::string_view kV3 = R"SQL(
DROP INDEX idx_positions_user_status;
CREATE INDEX idx_positions_user_exposure ON positions(user_id, status, symbol, direction, fire_id);
DROP INDEX idx_fires_user_state;
CREATE INDEX idx_fires_user_exposure ON fires(user_id, state, symbol, direction, fire_id);
DROP INDEX idx_fires_user_requested;
CREATE INDEX idx_fires_user_requested_state ON fires(user_id, requested_ns, state);
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "initial schema (design §7)", kV1},
      {2, "user_modes.auto_min_probability; fires(requested_ns), missions(signal_id) indexes", kV2},
      {3, "covering indexes for the fire path's exposure and trades-today reads", kV3},
  };
  return all;
}

int latest_schema_version() { return migrations().back().version; }

Result<int> current_schema_version(SQLite::Database& db) {
  return guarded("schema_version", [&]() -> Result<int> {
    if (!db.tableExists("schema_version")) return 0;
    CachedStatement q_cached(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    SQLite::Statement& q = *q_cached;
    q.executeStep();
    return q.getColumn(0).getInt();
  });
}

Result<int> migrate(SQLite::Database& db, int64_t now_ns) {
  return guarded("migrate", [&]() -> Result<int> {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_ns INTEGER NOT NULL)");
    int version = 0;
    for (const auto& m : migrations()) {
      // Re-read the version inside the write lock: another process may have migrated meanwhile.
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      {
        // Scoped: a statement still stepping would make DROP INDEX fail with SQLITE_LOCKED.
        CachedStatement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        q->executeStep();
        version = q->getColumn(0).getInt();
      }
      if (m.version <= version) continue;  // tx rolls back (nothing written)
      db.exec(std::string(m.sql));
      CachedStatement ins_cached(db, "INSERT INTO schema_version(version, name, applied_ns) VALUES (?, ?, ?)");
      SQLite::Statement& ins = *ins_cached;
      ins.bind(1, m.version);
      ins.bind(2, std::string(m.name));
      ins.bind(3, static_cast<int64_t>(now_ns));
      ins.exec();
      tx.commit();
      version = m.version;
    }
    if (version > latest_schema_version())
      return make_error("db_schema_newer", "database schema version " + std::to_string(version) +
                                               " is newer than this build (" +
                                               std::to_string(latest_schema_version()) + ")");
    return version;
  });
}

}  // namespace bitten::store

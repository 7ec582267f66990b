#!/usr/bin/env bash
# The run command: installs what is missing, builds, bootstraps a model from real data, creates a
# demo trader and admin, and starts the whole fleet under PM2 with the EA simulator replaying real
# prices (x60) until a real EA connects. Prints the dashboard URLs and the sign-in tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
BIN=${BITTEN_BIN_DIR:-build/bin}
DB="$BITTEN_STATE_DIR/bitten.db"
mkdir -p "$BITTEN_STATE_DIR/logs"

echo "start: bootstrapping a model from real data"
scripts/bootstrap_model.sh || echo "start: model bootstrap failed; ml_filter starts on the cold-start rule"

# Demo accounts: created once; their API tokens are kept (mode 0600) in the state folder.
TOKENS="$BITTEN_STATE_DIR/demo_tokens.txt"
admin() { "$BIN/bitten-admin" --db "$DB" "$@"; }
# Recreated when the token file or the accounts are missing (e.g. the database was deleted).
demo_accounts_exist() {
  python3 - "$DB" <<'PY'
import sqlite3, sys
try:
    c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    n = c.execute("SELECT COUNT(*) FROM users WHERE user_id IN ('demo_trader', 'demo_admin')").fetchone()[0]
    sys.exit(0 if n == 2 else 1)
except sqlite3.Error:
    sys.exit(1)
PY
}
if [ ! -s "$TOKENS" ] || ! demo_accounts_exist; then
  admin migrate >/dev/null
  admin create-admin demo_admin --name "Demo Admin" >/dev/null 2>&1 || true
  admin create-user demo_trader --tier COMMANDER --name "Demo Trader" >/dev/null 2>&1 || true
  admin bind-ea SIM_EA_000001 demo_trader >/dev/null
  umask 077
  {
    echo "demo_trader $(admin create-token demo_trader --name demo 2>/dev/null)"
    echo "demo_admin $(admin create-token demo_admin --name demo 2>/dev/null)"
  } > "$TOKENS"
fi

"$PM2" start ecosystem.config.js --update-env >/dev/null
"$PM2" status --no-color || true
cat <<MSG

BITTEN is running (the EA simulator replays 2014-05-08 EURUSD/XAUUSD/NZDUSD prices: a warm-up of the
5 h 20 min before now as fast as the fleet takes it, then x120; signals within a minute).
  Trader dashboard     http://127.0.0.1:8888/
  Commander Throne     http://127.0.0.1:8899/
  Tracking             http://127.0.0.1:8890/
  Confidence analysis  http://127.0.0.1:8891/
  Health               http://127.0.0.1:8888/healthz     Metrics: /metrics
Sign in with a token (or Telegram, with BITTEN_TELEGRAM_BOT_TOKEN set):
$(sed 's/^/  /' "$TOKENS")
Logs: $BITTEN_STATE_DIR/logs   Status: source scripts/env.sh && \$PM2 status   Stop: scripts/stop.sh
MSG

#!/usr/bin/env bash
# Soak: the whole fleet under a private PM2 (own ports, own state folder, torn down on exit) with the
# EA simulator playing N EAs, eight of them bound to AUTO traders, for M minutes of wall time; then
# the tick, fire, memory and log checks of docs/soak.md. Exit status 0 only when every check passes.
#
#   scripts/soak.sh [--eas 1000] [--minutes 30] [--speed 8] [--auto-users 8] [--report FILE]
#
# Uses the binaries in build/bin (or BITTEN_BIN_DIR); run scripts/start.sh or a build first.
set -euo pipefail
cd "$(dirname "$0")/.."
export BITTEN_BIN_DIR="${BITTEN_BIN_DIR:-$PWD/build/bin}"
export PYTHONDONTWRITEBYTECODE=1
if [[ ! -x "$BITTEN_BIN_DIR/telemetry_bridge" || ! -x node_modules/.bin/pm2 ]]; then
  echo "soak: build the fleet first (scripts/start.sh or scripts/test.sh): $BITTEN_BIN_DIR or PM2 is missing" >&2
  exit 2
fi
exec /usr/bin/python3 tests/e2e/soak.py "$@"

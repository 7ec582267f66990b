#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the whole fleet under PM2 with the
# default configuration (SQLite, and the EA simulator replaying real prices when no EA is connected).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
mkdir -p "$BITTEN_STATE_DIR/logs"
"$PM2" start ecosystem.config.js --update-env
"$PM2" status --no-color || true
echo
echo "BITTEN is running. Logs: $BITTEN_STATE_DIR/logs   Stop: scripts/stop.sh"

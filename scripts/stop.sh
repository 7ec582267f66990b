#!/usr/bin/env bash
# Stops every BITTEN process and the project's PM2 daemon. Leaves nothing running.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ -x "$PM2" ] && [ -d "$PM2_HOME" ]; then
  "$PM2" delete all >/dev/null 2>&1 || true
  "$PM2" kill >/dev/null 2>&1 || true
fi
echo "BITTEN stopped."

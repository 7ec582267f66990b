# Sourced by the scripts: where the fleet keeps its state, and the project-local PM2.
BITTEN_ROOT=${BITTEN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export BITTEN_STATE_DIR=${BITTEN_STATE_DIR:-$BITTEN_ROOT/var}
export PM2_HOME=${PM2_HOME:-$BITTEN_STATE_DIR/pm2}
PM2="$BITTEN_ROOT/node_modules/.bin/pm2"

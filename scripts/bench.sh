#!/usr/bin/env bash
# Runs every benchmark and load generator on this machine (loopback only, each bounded in time)
# and prints their results one after another, then a summary table of the headline figures.
# Usage: scripts/bench.sh [--quick]     (results also saved under var/bench/)
# Compare figures as ratios within one run: these machines are shared and noisy.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
B=${BITTEN_BUILD_DIR:-build}
OUT="$BITTEN_STATE_DIR/bench"
mkdir -p "$OUT"
export BITTEN_SOURCE_ROOT=$PWD
QUICK=${1:-}
run() {  # name, command...
  local name=$1; shift
  echo "=== $name: $*"
  if "$@" > "$OUT/$name.txt" 2>&1; then cat "$OUT/$name.txt"; else echo "($name failed: see $OUT/$name.txt)"; tail -5 "$OUT/$name.txt"; fi
  echo
}
if [ "$QUICK" = "--quick" ]; then N=50000; LAT=5000; else N=300000; LAT=30000; fi
run bridge "$B/bin/bench_bridge" --count $N --latency-count $LAT
run ea_decode "$B/bench/ea/bench_ea_decode" --benchmark_min_time=0.2
run market "$B/bin/bench_market" --benchmark_min_time=0.2
run patterns "$B/bin/bench_patterns" --benchmark_min_time=0.2
run ml "$B/bench/ml/bench_ml" --benchmark_min_time=0.2
run ml_filter "$B/bench/ml_filter/bench_ml_filter"
run ea_sim "$B/bin/bench_ea_sim"
run execution "$B/bin/bench_execution"
run webapp "$B/bin/bench_webapp"

echo "=== summary (see docs/performance.md for method and targets)"
printf '%-34s %s\n' "bridge vs raw relay" "$(grep -h 'ratio' "$OUT/bridge.txt" 2>/dev/null)"
printf '%-34s %s\n' "bridge logic per tick" "$(grep -h 'logic alone' "$OUT/bridge.txt" 2>/dev/null)"
for f in execution webapp ml_filter ea_sim; do
  printf '%-34s %s\n' "$f" "$(tail -3 "$OUT/$f.txt" 2>/dev/null | tr '\n' ' ' | cut -c1-160)"
done

#!/usr/bin/env bash
# Runs every benchmark and load generator on this machine (loopback only, each bounded in time)
# and prints their results one after another, then ONE summary table (benchmark, figure, target,
# result) of the headline figures: the in-process benches, then the fleet-level system benches
# (bench/system: real binaries under a private PM2, docs/performance.md "System benchmarks").
# Usage: scripts/bench.sh [--quick]     (results also saved under var/bench/)
# Compare figures as ratios within one run: these machines are shared and noisy.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
B=${BITTEN_BUILD_DIR:-build}
OUT="$BITTEN_STATE_DIR/bench"
mkdir -p "$OUT"
export BITTEN_SOURCE_ROOT=$PWD
export BITTEN_BIN_DIR=${BITTEN_BIN_DIR:-$PWD/$B/bin}
PY=${BITTEN_PYTHON:-/usr/bin/python3}
QUICK=${1:-}
run() {  # name, command...
  local name=$1; shift
  echo "=== $name: $*"
  local t0=$SECONDS
  if "$@" > "$OUT/$name.txt" 2>&1; then cat "$OUT/$name.txt"; else echo "($name failed: see $OUT/$name.txt)"; tail -5 "$OUT/$name.txt"; fi
  echo "($name: $((SECONDS - t0)) s)"
  echo
}
if [ "$QUICK" = "--quick" ]; then
  N=50000; LAT=5000; EA_SIM_ARGS=("$PWD" 1,100,1000 600)
  SYS_INGEST=(--count 50000 --rounds 1); SYS_BARS=600
  SYS_EAS=500,1000,2000; SYS_WS=1000,2500; SYS_USERS=50
else
  N=300000; LAT=30000; EA_SIM_ARGS=()
  SYS_INGEST=(--count 300000 --rounds 3); SYS_BARS=3000
  SYS_EAS=500,1000,2000,5000; SYS_WS=1000,2500,5000,10000,15000; SYS_USERS=200
fi

# In-process benches.
run bridge "$B/bin/bench_bridge" --count $N --latency-count $LAT
run ea_decode "$B/bench/ea/bench_ea_decode" --benchmark_min_time=0.2
run market "$B/bin/bench_market" --benchmark_min_time=0.2
run patterns "$B/bin/bench_patterns" --benchmark_min_time=0.2
run ml "$B/bench/ml/bench_ml" --benchmark_min_time=0.2
run ml_filter "$B/bench/ml_filter/bench_ml_filter"
run ea_sim "$B/bin/bench_ea_sim" "${EA_SIM_ARGS[@]}"
run execution "$B/bin/bench_execution"
run webapp "$B/bin/bench_webapp"

# System benches: the real binaries under a private PM2 (tests/e2e/fleet.py), one fleet each.
run sys_ingest "$PY" bench/system/bench_ingest.py "${SYS_INGEST[@]}" --timeout 400
run sys_tick_to_signal "$PY" bench/system/bench_tick_to_signal.py --bars $SYS_BARS --timeout 400
run sys_scale_eas "$PY" bench/system/bench_scale_eas.py --steps $SYS_EAS --timeout 600
run sys_scale_ws "$PY" bench/system/bench_scale_ws.py --steps $SYS_WS --users $SYS_USERS --timeout 600
run sys_idle_memory "$PY" bench/system/bench_idle_memory.py --idle 20 --timeout 180

# Fire path (bench/fire/run_fire_bench.py, the real fleet under a private PM2): POST /api/fire ->
# command at the EA -> FILLED. It prints `fire_to_ea p50_ms=.. p99_ms=..`, `fire_to_filled p50_ms=.. p99_ms=..`
# and `fires_per_s=..`, after the same driver against the same hops with no work (--floor, printed
# first) and the fleet/floor ratio; run when present, otherwise the summary says "not built".
FIRE=bench/fire/run_fire_bench.py
if [ -f "$FIRE" ]; then
  run sys_fire "$PY" "$FIRE" --floor
else
  echo "=== sys_fire: $FIRE not built"; echo
  rm -f "$OUT/sys_fire.txt"
fi

# ---- summary -------------------------------------------------------------------------------
kv() {  # file, RESULT name, key -> value (empty when absent)
  grep -h "^RESULT $2 " "$OUT/$1.txt" 2>/dev/null | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}
first() {  # file, extended regex -> first matching line, trimmed
  grep -hE "$2" "$OUT/$1.txt" 2>/dev/null | head -1 | sed 's/^ *//' | cut -c1-70
}
or_na() { if [ -n "$1" ]; then echo "$1"; else echo "n/a (see var/bench/$2.txt)"; fi; }
ROWS=()
row() { ROWS+=("$1|$2|$3|$4"); }

row "bridge (in-process)" "bridge/raw throughput" ">= 0.50" "$(or_na "$(grep -ho 'ratio: [0-9.]*' "$OUT/bridge.txt" 2>/dev/null | cut -d' ' -f2)" bridge)"
row "bridge (in-process)" "logic per tick" "" "$(or_na "$(grep -ho 'alone: [0-9]* ns/tick' "$OUT/bridge.txt" 2>/dev/null | cut -d' ' -f2-)" bridge)"
row "bridge (in-process)" "p99 at 10k ticks/s (raw)" "< 200 us" "$(or_na "$(awk '/^telemetry_bridge /{b=$5} /^raw PULL/{r=$7} END{if (b != "") print b" us ("r" us)"}' "$OUT/bridge.txt" 2>/dev/null)" bridge)"
row "market (smc batch)" "slowest call vs oracle" ">= 100x" "$(or_na "$(grep -h '^oracle/' "$OUT/market.txt" 2>/dev/null | sed -E 's/^oracle\/([^ ]*).*x_oracle=([0-9.]+)(k?).*/\1 \2 \3/' | awk '{v=$2; if ($3=="k") v*=1000; if (m=="" || v<m) {m=v; f=$1}} END{if (f != "") printf "%.0fx (%s)", m, f}')" market)"
row "ea_decode" "decode_tick" "" "$(or_na "$(grep -hE '^BM_.*[Tt]ick' "$OUT/ea_decode.txt" 2>/dev/null | head -1 | awk '{print $2" "$3}')" ea_decode)"
row "patterns" "6 patterns / closed bar" "< 5 us" "$(or_na "$(grep -hE '^BM_' "$OUT/patterns.txt" 2>/dev/null | head -1 | awk '{print $1": "$2" "$3}' | cut -c1-60)" patterns)"
row "ml_filter" "whole message (CPU)" "" "$(or_na "$(grep -h '^BM_FilterOnMessage' "$OUT/ml_filter.txt" 2>/dev/null | head -1 | awk '{print $4" "$5}')" ml_filter)"
row "ea_sim" "1,000 EAs replay" "" "$(or_na "$(grep -hE '^\| 1000 ' "$OUT/ea_sim.txt" 2>/dev/null | awk -F'|' '{print "x"$5" real time"}' | tr -s ' ')" ea_sim)"
row "execution" "queue -> EA p50/p99 ($(grep -hoE '^(paced|burst)' "$OUT/execution.txt" 2>/dev/null | head -1))" "" "$(or_na "$(grep -h 'queue->EA' "$OUT/execution.txt" 2>/dev/null | head -1 | sed 's/.*latency: //;s/  max.*//')" execution)"
row "webapp (in-process)" "broadcast to 5,000 WS" "p99 < 250 ms" "$(or_na "$(grep -h '^(a) broadcast' "$OUT/webapp.txt" 2>/dev/null | sed 's/.*rounds: //;s/, max.*//')" webapp)"
row "webapp (in-process)" "GET /api/signals 1k/s" "p99 < 5 ms" "$(or_na "$(grep -h '^(b)' "$OUT/webapp.txt" 2>/dev/null | grep -oE 'p50 [0-9.]+ ms, p99 [0-9.]+ ms' | head -1)" webapp)"

v=$(kv sys_ingest ingest bridge_tps)
if [ -n "$v" ]; then
  row "SYS ingest (PM2 bridge)" "ticks/s, 0 loss" "" "$v/s (lost $(kv sys_ingest ingest lost), drops $(kv sys_ingest ingest bridge_dropped))"
  row "SYS ingest (PM2 bridge)" "raw zmq_proxy ticks/s" "" "$(kv sys_ingest ingest raw_tps)/s"
  row "SYS ingest (PM2 bridge)" "bridge/raw ratio" ">= 0.50" "$(kv sys_ingest ingest ratio) (counter: $(kv sys_ingest ingest counter))"
else row "SYS ingest (PM2 bridge)" "ticks/s, 0 loss" "" "$(or_na "" sys_ingest)"; fi
v=$(kv sys_tick_to_signal tick_to_signal p50_ms)
if [ -n "$v" ]; then
  row "SYS tick -> signal (M1)" "p50 / p99" "" "$v / $(kv sys_tick_to_signal tick_to_signal p99_ms) ms ($(kv sys_tick_to_signal tick_to_signal matched) signals)"
else row "SYS tick -> signal (M1)" "p50 / p99" "" "$(or_na "" sys_tick_to_signal)"; fi
v=$(kv sys_scale_eas scale_eas max_eas)
row "SYS EAs online" "max EAs (tried $SYS_EAS)" ">= 5000" "$(or_na "$v" sys_scale_eas)"
v=$(kv sys_scale_ws scale_ws max_clients)
row "SYS WebSocket (webapp)" "max clients (tried $SYS_WS)" ">= 5000" "$(or_na "$v" sys_scale_ws)"
[ -n "$v" ] && row "SYS WebSocket (webapp)" "signal to all, p50 / p99" "p99 < 250 ms" "$(kv sys_scale_ws scale_ws p50_ms) / $(kv sys_scale_ws scale_ws p99_ms) ms"
v=$(kv sys_idle_memory idle_memory total_mib)
row "SYS idle fleet RSS" "10 daemons total" "" "$(or_na "${v:+$v MiB (largest $(kv sys_idle_memory idle_memory max_daemon) MiB)}" sys_idle_memory)"
if [ -f "$OUT/sys_fire.txt" ]; then
  fe=$(grep -h '^fire_to_ea' "$OUT/sys_fire.txt" | tail -1 | sed 's/fire_to_ea //')
  ff=$(grep -h '^fire_to_filled' "$OUT/sys_fire.txt" | tail -1 | sed 's/fire_to_filled //')
  fr=$(grep -h '^fires_per_s' "$OUT/sys_fire.txt" | tail -1 | sed 's/fires_per_s=//')
  row "SYS fire (bench/fire)" "POST /api/fire -> EA" "p50<1, p99<5 ms" "$(or_na "$fe" sys_fire)"
  row "SYS fire (bench/fire)" "POST /api/fire -> FILLED" "" "$(or_na "$ff" sys_fire)"
  row "SYS fire (bench/fire)" "fires/s" "" "$(or_na "$fr" sys_fire)"
  fl=$(grep -h '^fleet/floor fire_to_ea' "$OUT/sys_fire.txt" | tail -1 | sed 's/fleet\/floor fire_to_ea: //')
  row "SYS fire (bench/fire)" "fleet / floor (same hops, no work)" "" "$(or_na "$fl" sys_fire)"
else
  row "SYS fire (bench/fire)" "fire -> EA -> FILLED" "" "not built"
fi

echo "=== summary (method and targets: docs/performance.md; SYS = real binaries under a private PM2)"
printf '%-26s %-30s %-14s %s\n' "benchmark" "figure" "target" "result"
printf '%-26s %-30s %-14s %s\n' "---------" "------" "------" "------"
for r in "${ROWS[@]}"; do
  IFS='|' read -r a b c d <<< "$r"
  printf '%-26s %-30s %-14s %s\n' "$a" "$b" "${c:--}" "$d"
done

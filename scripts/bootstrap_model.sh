#!/usr/bin/env bash
# Builds the first model from real data (docs/learning_loop.md §Bootstrap):
#   bitten-backtest replays real prices through the live detector engines and grades every signal
#   with libs/grading -> labelled training rows (CSV) -> ml_trainer trains, validates walk-forward and
#   records the model; it is promoted only if it passes the gate (better than the rule baseline on the
#   holdout and a threshold with positive mean R on validation). Otherwise ml_filter stays on the
#   cold-start rule, which is the honest outcome on little data.
# Data: ../shared/data/real when present (or BITTEN_SHARED_DATA), else the excerpts in tests/data.
# Idempotent: the same rows are not trained twice (use --force to retrain); the last report is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
BIN=${BITTEN_BIN_DIR:-build/bin}
CONFIG_DIR=${BITTEN_CONFIG_DIR:-config}
OUT="$BITTEN_STATE_DIR/bootstrap"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1
for b in bitten-backtest ml_trainer; do
  [ -x "$BIN/$b" ] || { echo "bootstrap_model: $BIN/$b is missing (build first: scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$OUT"
rm -f "$OUT"/rows_*.csv

SHARED=${BITTEN_SHARED_DATA:-../shared/data/real}
if [ -d "$SHARED" ]; then
  echo "bootstrap_model: backtesting every real set under $SHARED"
  "$BIN/bitten-backtest" --all "$SHARED" --config-dir "$CONFIG_DIR" --training-out "$OUT/rows_all.csv" --quiet \
    > "$OUT/backtest.txt"
else
  echo "bootstrap_model: $SHARED not found; using the real-data excerpts in tests/data (few rows)"
  bt() { "$BIN/bitten-backtest" --config-dir "$CONFIG_DIR" --quiet "$@" >> "$OUT/backtest.txt"; }
  : > "$OUT/backtest.txt"
  bt --format lean-ticks --file tests/data/ticks/EURUSD_oanda_ticks_2014-05-08_12-14utc.csv --symbol EURUSD \
     --training-out "$OUT/rows_eurusd_ticks.csv"
  bt --format lean-m1 --file tests/data/market/EURUSD_oanda_M1_2014-05-01_excerpt.csv --symbol EURUSD \
     --training-out "$OUT/rows_eurusd_m1.csv"
  for s in NZDUSD XAUUSD; do
    bt --format lean-m1 --file "tests/data/replay/${s}_oanda_M1_bidask_2014-05-08_12-14utc.csv" --symbol "$s" \
       --training-out "$OUT/rows_${s,,}_m1.csv"
  done
  bt --format nautilus --file tests/data/replay/gbpusd-m1-bid-2012-02-01_excerpt.csv \
     --ask-file tests/data/replay/gbpusd-m1-ask-2012-02-01_excerpt.csv --symbol GBPUSD \
     --training-out "$OUT/rows_gbpusd_m1.csv"
  bt --format smc15 --file tests/data/replay/EURUSD_15M_smc_excerpt.csv --symbol EURUSD --timeframe M15 \
     --training-out "$OUT/rows_eurusd_m15.csv"
fi

CSVS=$(ls "$OUT"/rows_*.csv | paste -sd, -)
ROWS=$(cat "$OUT"/rows_*.csv | grep -vc '^signal_id,' || true)
SUM=$(cat "$OUT"/rows_*.csv | sha256sum | cut -d' ' -f1)
echo "bootstrap_model: $ROWS labelled rows ($CSVS)"
if [ $FORCE = 0 ] && [ -f "$OUT/rows.sha256" ] && [ "$(cat "$OUT/rows.sha256")" = "$SUM" ] && [ -f "$OUT/report.txt" ]; then
  echo "bootstrap_model: these rows were already trained on; last report (--force to retrain):"
  cat "$OUT/report.txt"
  exit 0
fi
"$BIN/ml_trainer" --config "$CONFIG_DIR/ml_trainer.json" --from-csv "$CSVS" > "$OUT/report.txt"
echo "$SUM" > "$OUT/rows.sha256"
cat "$OUT/report.txt"

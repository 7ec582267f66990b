#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test tier.
#   scripts/test.sh            all tiers: unit, integration, e2e, then unit+integration under
#                              ASan/UBSan, then every libFuzzer target for a bounded time
#   scripts/test.sh unit       one tier (unit | integration | e2e | sanitize | fuzz)
# Big real data sets in ../shared/data/real are used when present; tests that need them skip
# with a message otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
tiers=("$@")
[ ${#tiers[@]} -eq 0 ] && tiers=(unit integration e2e sanitize fuzz)

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; skipped=0
run_ctest() {  # build-dir label
  local log; log=$(mktemp)
  ctest --test-dir "$1" -L "^$2\$" --output-on-failure --timeout 900 -j"${CTEST_JOBS:-1}" 2>&1 | tee "$log"
  local total fail skip
  total=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/p' "$log" | tail -1)
  fail=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/p' "$log" | tail -1)
  skip=$(grep -cE '\*\*\*Skipped|Not Run' "$log" || true)
  if [ -z "$total" ]; then
    grep -q "No tests were found" "$log" && { rm -f "$log"; return; }
    total=1; fail=1
  fi
  passed=$((passed + total - fail - skip)); failed=$((failed + fail)); skipped=$((skipped + skip))
  rm -f "$log"
}

for tier in "${tiers[@]}"; do
  echo "=== $tier tests ==="
  case "$tier" in
    unit) CTEST_JOBS=2 run_ctest build unit ;;
    integration) run_ctest build integration ;;
    e2e) run_ctest build e2e ;;
    sanitize)
      cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBITTEN_SANITIZE=ON \
        -DBITTEN_BUILD_BENCH=OFF >/dev/null &&
        cmake --build build-sanitize -j"$(nproc)" --target bitten_all_tests || { failed=$((failed + 1)); continue; }
      export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
      CTEST_JOBS=2 run_ctest build-sanitize unit
      run_ctest build-sanitize integration
      ;;
    fuzz)
      CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBITTEN_FUZZ=ON \
        -DBITTEN_BUILD_BENCH=OFF -DBITTEN_FUZZ_SECONDS="${BITTEN_FUZZ_SECONDS:-20}" >/dev/null &&
        cmake --build build-fuzz -j"$(nproc)" --target fuzz_all || { failed=$((failed + 1)); continue; }
      CTEST_JOBS=2 run_ctest build-fuzz fuzz
      ;;
    *) echo "unknown tier $tier"; failed=$((failed + 1)) ;;
  esac
done

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

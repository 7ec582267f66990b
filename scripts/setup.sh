#!/usr/bin/env bash
# Installs what is missing (Debian packages, npm packages), then configures and builds BITTEN in
# Release. Idempotent and non-interactive. Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

APT_PACKAGES=(
  build-essential cmake pkgconf git ca-certificates
  libzmq3-dev cppzmq-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libspdlog-dev
  libxgboost-dev xgboost libboost-dev libgtest-dev libgmock-dev libbenchmark-dev libsimdjson-dev
  python3 python3-zmq python3-jsonschema
  chromium chromium-driver
  clang libclang-rt-14-dev libssl-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from another packager (its npm inside): only install Debian's when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages (PM2, browser driver, charting library) are pinned in package-lock.json.
if [ ! -x node_modules/.bin/pm2 ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

[ "${1:-}" = "--no-build" ] && exit 0

BUILD_DIR=${BITTEN_BUILD_DIR:-build}
echo "setup: building in $BUILD_DIR (Release)"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
echo "setup: done"

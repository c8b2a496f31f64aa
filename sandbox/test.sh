#!/usr/bin/env bash
# Runs every sandbox test from a clean clone on a fresh Debian machine:
#   1. cargo test -p autosend-sandbox (unit + integration tests against the real binary)
#   2. tests/curl.sh (system curl with --cacert)
#   3. tests/browser/inbox.mjs (Debian's headless Chromium via playwright-core): rendering,
#      tabs, search, live updates, the request log and its 429 chart; screenshots go to
#      $CARGO_TARGET_DIR/test-logs/sandbox-screenshots (or $SCREENSHOT_DIR)
# Installs chromium (apt-get) and the npm package when missing. Respects CARGO_TARGET_DIR.
# Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target"

say() { printf '\n== %s\n' "$*"; }

apt_install() {
  local tries=0
  export DEBIAN_FRONTEND=noninteractive
  until { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$@"; }; do
    tries=$((tries + 1))
    [ "$tries" -ge 10 ] && { echo "apt-get failed for: $*" >&2; return 1; }
    echo "apt-get busy or failed, retrying in 15 s ($tries/10)" >&2
    sleep 15
  done
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl ca-certificates)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -E"
  apt_install "${need[@]}"
fi

say "cargo build + test (autosend-sandbox)"
cargo build -p autosend-sandbox
cargo test -p autosend-sandbox

say "curl test"
bash "$here/tests/curl.sh" "$target/debug/autosend-sandbox"

say "browser test"
cd "$here/tests/browser"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
shots="${SCREENSHOT_DIR:-$target/test-logs/sandbox-screenshots}"
mkdir -p "$shots"
SCREENSHOT_DIR="$shots" SANDBOX_BIN="$target/debug/autosend-sandbox" node inbox.mjs
echo "screenshots: $shots"

say "all sandbox tests passed"

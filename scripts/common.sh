# Shared helpers for scripts/demo.sh and scripts/test.sh. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Installs Debian packages that are missing (apt-get update once, retries while apt is busy).
apt_ensure() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -E"
  export DEBIAN_FRONTEND=noninteractive
  local tries=0
  until { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; do
    tries=$((tries + 1))
    [ "$tries" -ge 10 ] && { echo "apt-get failed for: ${missing[*]}" >&2; return 1; }
    echo "apt-get busy, retrying in 15 s ($tries/10)" >&2
    sleep 15
  done
}

# Starts the sandbox in the background and exports SANDBOX_URL, SANDBOX_ADMIN, SANDBOX_CA,
# SANDBOX_KEY (a project key), SANDBOX_INBOX, SANDBOX_PID. Extra arguments go to the sandbox.
start_sandbox() {
  cargo build -q -p autosend-sandbox
  local out
  out="$(mktemp -d)/sandbox.out"
  "$CARGO_TARGET_DIR/debug/autosend-sandbox" "$@" >"$out" 2>"$out.err" &
  SANDBOX_PID=$!
  export SANDBOX_PID
  local i=0
  until [ -s "$out" ] && head -n1 "$out" | grep -q '}'; do
    i=$((i + 1))
    if [ "$i" -gt 200 ] || ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      echo "the sandbox did not start:" >&2
      cat "$out.err" >&2
      return 1
    fi
    sleep 0.05
  done
  SANDBOX_JSON="$(head -n1 "$out")"
  export SANDBOX_JSON
  eval "$(python3 - "$SANDBOX_JSON" <<'PY'
import json, shlex, sys
d = json.loads(sys.argv[1])
for k, v in {
    "SANDBOX_URL": d["url"],
    "SANDBOX_ADMIN": d["admin_url"],
    "SANDBOX_CA": d["ca_cert"],
    "SANDBOX_KEY": d["keys"]["project"][0]["key"],
    "SANDBOX_INBOX": d.get("inbox_url") or d["admin_url"] + "/",
}.items():
    print(f"export {k}={shlex.quote(v)}")
PY
)"
}

stop_sandbox() {
  [ -n "${SANDBOX_PID:-}" ] && kill "$SANDBOX_PID" 2>/dev/null || true
  wait "${SANDBOX_PID:-}" 2>/dev/null || true
}

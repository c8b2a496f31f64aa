#!/usr/bin/env bash
# On demand (about 3.5 min): issue 14 item 3's real-time figure. One sandbox at the API's limits
# (2/s, 50/min) whose NEW connections take 200 ms to set up (--new-connection-delay-ms 200);
# Rust, Node, Python and C each send N (default 200) mails in parallel, one key each, through
# one client, counting 429s (the drivers repeat a refused send themselves). Prints per language:
# accepted, 429 count, makespan and its ratio to the theoretical minimum (204.5 s for 200).
#
#   bash scripts/realtime-limits.sh [N]
# Needs the wasm package (bash bindings-wasm/build.sh) and the Python venv
# (bash bindings-python/test.sh, or AUTOSEND_PY_VENV); builds the rest.
set -euo pipefail
source "$(dirname "$0")/common.sh"
N="${1:-200}"
IDEAL="$(python3 -c "n=$N; import math; print(round((math.ceil(n/50)-1)*60 + ((n-1)%50)//2 + 0.5, 1))")"
VENV="${AUTOSEND_PY_VENV:-$ROOT/bindings-python/.venv}"
work="$(mktemp -d)"
trap 'stop_sandbox; rm -rf "$work"' EXIT

say "build (sandbox, Rust driver, C library + driver)"
(cd "$ROOT" && cargo build -q -p autosend-sandbox -p autosend-c && cargo build -q -p autosend-http --example realtime_limits)
# The library's soname is libautosend.so.0 (bindings-c/build.rs); cargo leaves libautosend.so.
ln -sf "$CARGO_TARGET_DIR/debug/libautosend.so" "$work/libautosend.so.0"
ln -sf "$CARGO_TARGET_DIR/debug/libautosend.so" "$work/libautosend.so"
cc -O2 -I"$ROOT/bindings-c/include" "$ROOT/scripts/realtime/driver.c" -o "$work/driver_c" \
  -L"$work" -lautosend -Wl,-rpath,"$work"
[ -f "$ROOT/bindings-wasm/pkg/esm/node.mjs" ] || { echo "no wasm package: bash bindings-wasm/build.sh" >&2; exit 1; }
[ -x "$VENV/bin/python" ] || { echo "no Python venv at $VENV: bash bindings-python/test.sh" >&2; exit 1; }

say "sandbox (default limits, --new-connection-delay-ms 200)"
start_sandbox --port 0 --lazy-jwks --new-connection-delay-ms 200
newkey() {
  curl -s --cacert "$SANDBOX_CA" -H 'content-type: application/json' -d '{"kind":"project"}' \
    "$SANDBOX_ADMIN/_sandbox/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'
}

say "$N sends per language, in parallel (about $IDEAL s)"
"$CARGO_TARGET_DIR/debug/examples/realtime_limits" "$SANDBOX_URL" "$SANDBOX_CA" "$(newkey)" "$N" >"$work/rust.out" &
p1=$!
NODE_EXTRA_CA_CERTS="$SANDBOX_CA" node "$ROOT/scripts/realtime/driver.mjs" "$SANDBOX_URL" "$SANDBOX_CA" "$(newkey)" "$N" >"$work/node.out" &
p2=$!
"$VENV/bin/python" "$ROOT/scripts/realtime/driver.py" "$SANDBOX_URL" "$SANDBOX_CA" "$(newkey)" "$N" >"$work/python.out" &
p3=$!
"$work/driver_c" "$SANDBOX_URL" "$SANDBOX_CA" "$(newkey)" "$N" >"$work/c.out" &
p4=$!
status=0
for p in $p1 $p2 $p3 $p4; do wait "$p" || status=1; done

say "results (theoretical minimum $IDEAL s)"
cat "$work"/{rust,node,python,c}.out
cat "$work"/{rust,node,python,c}.out | python3 "$ROOT/scripts/realtime/table.py" "$IDEAL"
curl -s --cacert "$SANDBOX_CA" "$SANDBOX_ADMIN/_sandbox/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("sandbox: processed", d["processed"].get("emails.send", 0), "emails.send, rejected", d["rejected"])'
exit $status

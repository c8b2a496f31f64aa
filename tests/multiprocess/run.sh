#!/usr/bin/env bash
# The 8-process, four-language shared-budget test (issue 11). See README.md.
#   bash tests/multiprocess/run.sh                 # with Redis: 0 × 429, each mail once, makespan ≤ 1.05 × minimum
#   bash tests/multiprocess/run.sh --kill-redis    # Redis killed after 100 mails: no duplicate, no loss, all finish
#   bash tests/multiprocess/run.sh --no-redis      # without Redis (today): reports the 429s, asserts delivery only
# Needs the built packages: bindings-wasm/pkg (bindings-wasm/build.sh), the Python venv
# (bindings-python/build.sh) and libautosend (bindings-c/install.sh PREFIX, PREFIX in
# AUTOSEND_C_PREFIX); MP_BUILD=1 builds them. Installs redis-server (Debian) when missing.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../scripts/common.sh"
cd "$ROOT"

mode="${1:-redis}"
SCALE=10
SECOND_MS=$((1000 / SCALE))
MINUTE_MS=$((60000 / SCALE))
TOTAL="${MP_TOTAL:-200}"
PROCS=8
C_PREFIX="${AUTOSEND_C_PREFIX:-$CARGO_TARGET_DIR/mp-prefix}"
PKG_DIR="${AUTOSEND_PKG_DIR:-$ROOT/bindings-wasm/pkg}"
VENV="${AUTOSEND_PY_VENV:-$ROOT/bindings-python/.venv}"
work="$(mktemp -d)"
REDIS_PID=""
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null
  stop_sandbox
  [ "${MP_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

command -v redis-server >/dev/null || apt_ensure redis-server || exit 1
if [ "${MP_BUILD:-0}" = 1 ]; then
  bash bindings-wasm/build.sh >/dev/null || exit 1
  bash bindings-python/build.sh >/dev/null || exit 1
  bash bindings-c/install.sh "$C_PREFIX" >/dev/null || exit 1
fi
[ -f "$PKG_DIR/esm/node.mjs" ] || { echo "no npm package in $PKG_DIR (run bindings-wasm/build.sh or MP_BUILD=1)"; exit 1; }
[ -x "$VENV/bin/python" ] || { echo "no Python venv in $VENV (run bindings-python/build.sh or MP_BUILD=1)"; exit 1; }
[ -f "$C_PREFIX/lib/pkgconfig/autosend.pc" ] || { echo "no libautosend in $C_PREFIX (bindings-c/install.sh $C_PREFIX or MP_BUILD=1)"; exit 1; }

(cd "$HERE/node" && [ -d node_modules/ioredis ] && [ -d node_modules/redis ] ||
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || exit 1
# -p autosend too: the rust suite's package selection, whose build this reuses (scripts/test.sh).
cargo build -q -p autosend -p autosend-http --example mp_send || exit 1
PKG_CONFIG_PATH="$C_PREFIX/lib/pkgconfig" cc -std=c11 -D_DEFAULT_SOURCE -Wall -Werror \
  "$HERE/mp_send.c" -o "$work/mp_send_c" \
  $(PKG_CONFIG_PATH="$C_PREFIX/lib/pkgconfig" pkg-config --cflags --libs autosend) \
  -Wl,-rpath,"$C_PREFIX/lib" || exit 1

start_sandbox --time-scale "$SCALE" || exit 1
REDIS_URL=""
if [ "$mode" != "--no-redis" ]; then
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  REDIS_URL="redis://127.0.0.1:$port/0"
fi

TAG="$(date +%s%N)"
export AUTOSEND_API_KEY="$SANDBOX_KEY" AUTOSEND_BASE_URL="$SANDBOX_URL" AUTOSEND_CA_FILE="$SANDBOX_CA"
# Without the shared budget (Redis down or absent) 8 separate budgets earn 429s: each is
# waited out and retried (a 429 was not processed), so allow enough retries to finish.
export MP_MAX_RETRIES=30
export MP_PROCS=$PROCS MP_TOTAL=$TOTAL MP_SECOND_MS=$SECOND_MS MP_MINUTE_MS=$MINUTE_MS MP_TAG=$TAG
export AUTOSEND_REDIS_URL="$REDIS_URL" MP_REDIS_URL="$REDIS_URL" AUTOSEND_PKG_DIR="$PKG_DIR"
launch() { # launch INDEX COMMAND...
  local i="$1"
  shift
  MP_INDEX="$i" "$@" >"$work/out.$i" 2>"$work/err.$i" &
  pids+=($!)
}
t0=$(date +%s%3N)
launch 0 "$CARGO_TARGET_DIR/debug/examples/mp_send"
launch 1 "$CARGO_TARGET_DIR/debug/examples/mp_send"
launch 2 env MP_NODE_REDIS=ioredis NODE_EXTRA_CA_CERTS="$SANDBOX_CA" node "$HERE/node/mp_send.mjs"
launch 3 env MP_NODE_REDIS=redis NODE_EXTRA_CA_CERTS="$SANDBOX_CA" node "$HERE/node/mp_send.mjs"
launch 4 "$VENV/bin/python" "$HERE/mp_send.py"
launch 5 "$VENV/bin/python" "$HERE/mp_send.py"
launch 6 "$work/mp_send_c"
launch 7 "$work/mp_send_c"

if [ "$mode" = "--kill-redis" ]; then
  for _ in $(seq 1200); do
    n="$(curl -s --cacert "$SANDBOX_CA" "$SANDBOX_ADMIN/_sandbox/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["processed"].get("emails.send",0))' 2>/dev/null || echo 0)"
    [ "${n:-0}" -ge $((TOTAL / 2)) ] && break
    sleep 0.1
  done
  kill -9 "$REDIS_PID" 2>/dev/null
  date +%s%3N >"$work/killed_at"
  echo "redis killed after $n mails"
fi

rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
pids=()
t1=$(date +%s%3N)
curl -s --cacert "$SANDBOX_CA" "$SANDBOX_ADMIN/_sandbox/stats" >"$work/stats.json"
curl -s --cacert "$SANDBOX_CA" "$SANDBOX_ADMIN/_sandbox/messages" >"$work/messages.json"
for i in $(seq 0 $((PROCS - 1))); do
  [ -s "$work/err.$i" ] && sed "s/^/  [$i] /" "$work/err.$i" | sort | uniq -c | head -5
done
python3 - "$work" "$mode" "$TAG" "$TOTAL" "$PROCS" "$SECOND_MS" "$MINUTE_MS" "$t0" "$t1" "$rc" <<'PY'
import json, re, sys
work, mode, tag, total, procs, sec, minute, t0, t1, rc = sys.argv[1:]
total, procs, sec, minute, t0, t1, rc = map(int, (total, procs, sec, minute, t0, t1, rc))
outs = []
for i in range(procs):
    try:
        outs.append(json.loads(open(f"{work}/out.{i}").read().strip().splitlines()[-1]))
    except Exception as e:
        print(f"process {i} printed no result ({e})")
stats = json.load(open(f"{work}/stats.json"))
msgs = json.load(open(f"{work}/messages.json"))
seen = {}
for m in msgs:
    for n in set(re.findall(rf"mp-{tag}-(\d+)@example\.com", json.dumps(m))):
        seen[int(n)] = seen.get(int(n), 0) + 1
dups = sorted(n for n, c in seen.items() if c > 1)
lost = sorted(set(range(total)) - set(seen))
r429 = stats.get("rejected", {}).get("RATE_LIMIT_EXCEEDED", 0)
processed = stats.get("processed", {}).get("emails.send", 0)
# Theoretical minimum: mail k goes no earlier than floor(k/50) minutes + floor((k%50)/2) seconds.
per_s, per_m = 2, 50
minimum = ((total - 1) // per_m) * minute + (((total - 1) % per_m) // per_s) * sec
first = min(o["first_ms"] for o in outs if o.get("first_ms")) if outs else t0
last = max(o["last_ms"] for o in outs if o.get("last_ms")) if outs else t1
makespan = last - first
ratio = makespan / minimum if minimum else 0
failed = [f for o in outs for f in o.get("failed", [])]
print(f"mode={mode} processes={len(outs)} sent={sum(o.get('sent', 0) for o in outs)} processed={processed} "
      f"429s={r429} duplicates={len(dups)} lost={len(lost)} failed={len(failed)} "
      f"makespan={makespan} ms minimum={minimum} ms ratio={ratio:.3f}")
if failed:
    print("failed mails (first 10):", failed[:10], "by process:", {o["lang"] + str(o["index"]): len(o.get("failed", [])) for o in outs if o.get("failed")})
ok = rc == 0 and not dups and not lost and not failed and processed == total and len(outs) == procs
if mode == "redis":
    ok = ok and r429 == 0 and ratio <= 1.05
if mode == "--kill-redis":
    killed_at = int(open(f"{work}/killed_at").read())
    # Every process still sending after the kill must have fallen back (and said so once).
    after = [o["index"] for o in outs if o["last_ms"] > killed_at + 300]
    fell = [i for i in after if "process-local budget" in open(f"{work}/err.{i}").read()]
    print(f"processes still sending after the kill: {len(after)}; reported the fallback: {len(fell)}")
    ok = ok and len(fell) == len(after) and len(after) >= 4
if mode == "--no-redis":
    print("REPORT (today's behaviour: separate budgets; no assertion)")
    sys.exit(0)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY

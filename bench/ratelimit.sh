#!/usr/bin/env bash
# Real-time rate-limit efficiency (issue 13 item 5), on demand: N (default 200) sends at the
# API's real limits (2/s, 50/min), theoretical minimum 204.5 s for 200. Runs in parallel:
#   - scripts/realtime-limits.sh N: this SDK, one process per language (Rust, Node, Python, C)
#   - autosendjs sequential, autosendjs Promise.all, raw fetch with a Retry-After loop, and this
#     SDK in 4 Node processes sharing one key (N/4 each) — each against a sandbox of its own, so
#     the 429 count is the server's.
# Writes bench/results/realtime.json; bench/report.py puts it into BENCHMARKS.md.
#   bash bench/ratelimit.sh [N]      (bash bench/run.sh --realtime [N])
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$ROOT"
N="${1:-200}"
IDEAL="$(python3 -c "n=$N; print(round((-(-n//50)-1)*60 + ((n-1)%50)//2 + 0.5, 1))")"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[ -f "$ROOT/bench/.work/node/node_modules/autosendjs/package.json" ] || {
  mkdir -p "$ROOT/bench/.work/node" && echo '{"private":true}' >"$ROOT/bench/.work/node/package.json" &&
    (cd "$ROOT/bench/.work/node" && npm install --no-audit --no-fund --silent autosendjs@1.0.5)
}
cargo build -q -p autosend-sandbox
SB="$CARGO_TARGET_DIR/debug/autosend-sandbox"

say "SDK, one process per language (scripts/realtime-limits.sh $N)"
bash "$ROOT/scripts/realtime-limits.sh" "$N" >"$work/sdk.log" 2>&1 &
sdk_pid=$!

# One sandbox per alternative scenario: scenario  processes  sends-per-process
run_alt() {
  local name="$1" procs="$2" per="$3"
  "$SB" --port 0 --lazy-jwks >"$work/$name.sb" 2>/dev/null &
  local sb=$!
  pids+=("$sb")
  until [ -s "$work/$name.sb" ]; do sleep 0.05; done
  local info url ca key admin
  info="$(head -n1 "$work/$name.sb")"
  url="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$info")"
  admin="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["admin_url"])' "$info")"
  ca="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ca_cert"])' "$info")"
  key="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["keys"]["project"][0]["key"])' "$info")"
  (
    local ps=()
    for i in $(seq "$procs"); do
      NODE_EXTRA_CA_CERTS="$ca" node "$ROOT/bench/drivers/ratelimit_alt.mjs" "$name" "$url" "$key" "$per" >"$work/$name.$i.out" &
      ps+=($!)
    done
    for p in "${ps[@]}"; do wait "$p" || true; done
    curl -s --cacert "$ca" "$admin/_sandbox/stats" >"$work/$name.stats"
  )
  kill "$sb" 2>/dev/null || true
}
say "alternatives (each on a sandbox of its own), about $IDEAL s"
run_alt autosendjs-seq 1 "$N" &
a1=$!
run_alt autosendjs-all 1 "$N" &
a2=$!
run_alt fetch-retry 1 "$N" &
a3=$!
run_alt sdk-proc 4 $((N / 4)) &
a4=$!
for p in $a1 $a2 $a3 $a4; do wait "$p" || true; done
wait "$sdk_pid" || echo "scripts/realtime-limits.sh failed (see below)"
cat "$work/sdk.log" | tail -n 12

python3 - "$work" "$N" "$IDEAL" "$ROOT/bench/results/realtime.json" <<'PY'
import datetime, glob, json, os, sys
work, n, ideal, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rows = []
names = {"rust": "this SDK, Rust (one process)", "node": "this SDK, Node (one process)",
         "python": "this SDK, Python (one process)", "c": "this SDK, C (one process)"}
with open(os.path.join(work, "sdk.log")) as f:
    for ln in f:
        if ln.startswith("{") and '"lang"' in ln and '"makespan_s"' in ln:
            d = json.loads(ln)
            rows.append({"client": names[d["lang"]], "accepted": d["accepted"], "r429": d["r429"], "makespan_s": d["makespan_s"]})
label = {"autosendjs-seq": "`autosendjs`, sequential", "autosendjs-all": "`autosendjs`, `Promise.all`",
         "fetch-retry": "raw fetch with a Retry-After loop", "sdk-proc": "this SDK, 4 Node processes sharing one key (no Redis)"}
for name, text in label.items():
    outs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(work, f"{name}.*.out")))]
    if not outs:
        continue
    try:
        stats = json.load(open(os.path.join(work, f"{name}.stats")))
        r429 = stats["rejected"].get("RATE_LIMIT_EXCEEDED", 0)
    except Exception:
        r429 = sum(o["r429_client"] for o in outs)
    rows.append({"client": text, "accepted": sum(o["accepted"] for o in outs), "r429": r429,
                 "makespan_s": max(o["makespan_s"] for o in outs)})
res = {"n": n, "ideal_s": ideal, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
       "loadavg": ", ".join(f"{x:.1f}" for x in os.getloadavg()), "rows": rows}
os.makedirs(os.path.dirname(out), exist_ok=True)
json.dump(res, open(out, "w"), indent=1)
print(f"{'client':<58} {'accepted':>8} {'429s':>5} {'makespan':>9} ratio")
for r in rows:
    print(f"{r['client']:<58} {r['accepted']:>8} {r['r429']:>5} {r['makespan_s']:>8.1f}s {r['makespan_s']/ideal:.2f}x")
print(f"wrote {out}")
PY

#!/usr/bin/env bash
# Side-by-side benchmarks of the SDK against each language's raw client and the official
# `autosendjs` (issue 13). Installs what it needs (autosendjs from npm; requests, httpx, aiohttp
# from PyPI into bench/.work/venv; libcurl headers), builds release artefacts, runs every
# driver in bench/drivers/ against one local sandbox with its limits off, and writes
# bench/results/latest.json (+ a dated copy), BENCHMARKS.md and bench/results/*.svg.
#
#   bash bench/run.sh               # full run (~10 min on 2 cores): 400 sends x 5 runs, medians
#   bash bench/run.sh --quick       # smoke (scripts/test.sh suite bench, < 30 s): tiny counts,
#                                   # reuses the other suites' builds, writes only JSON to target/
#   bash bench/run.sh --realtime [N] # the real-time rate-limit table (N=200: ~4 min), see ratelimit.sh
#   BENCH_ONLY=node,c bash bench/run.sh   # some languages (merged into latest.json)
#   BENCH_RUNS=3 (default 5), BENCH_CRITERION=0 (skip the criterion bench)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$ROOT"
mode=full
case "${1:-}" in
  --quick) mode=quick ;;
  --realtime) shift; exec bash "$ROOT/bench/ratelimit.sh" "$@" ;;
  "") ;;
  *) echo "usage: bash bench/run.sh [--quick | --realtime [N]]" >&2; exit 2 ;;
esac
WORK="$ROOT/bench/.work"
mkdir -p "$WORK/node"

say "bench ($mode): tools and builds"
command -v curl-config >/dev/null || apt_ensure libcurl4-openssl-dev || exit 1
# autosendjs, pinned; installed once into bench/.work/node.
if [ ! -f "$WORK/node/node_modules/autosendjs/package.json" ]; then
  echo '{"private":true}' >"$WORK/node/package.json"
  (cd "$WORK/node" && npm install --no-audit --no-fund --silent autosendjs@1.0.5)
fi
# The wasm package only when Node is measured (BENCH_ONLY=c,rust needs no wasm build).
case ",${BENCH_ONLY:-node}," in
  *,node,*) [ -f "$ROOT/bindings-wasm/pkg/esm/node.mjs" ] || bash "$ROOT/bindings-wasm/build.sh" ;;
esac

if [ "$mode" = quick ]; then
  # The other suites have built the debug sandbox, the wheel (into the Python suite's venv)
  # and the release C library; build only what is missing, in debug.
  profile=debug
  VENV="${AUTOSEND_PY_VENV:-$ROOT/bindings-python/.venv}"
  case ",${BENCH_ONLY:-python}," in
    *,python,*) [ -x "$VENV/bin/python" ] || bash "$ROOT/bindings-python/build.sh" ;;
    *) # Python is not measured: any venv will do for run.py's machine description.
      if [ ! -x "$VENV/bin/python" ]; then
        VENV="$WORK/venv"
        [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
      fi ;;
  esac
  cargo build -q -p autosend-sandbox
  # -p autosend too: the rust suite's package selection, whose build this reuses (scripts/test.sh).
  cargo build -q -p autosend -p autosend-http --example bench_send
  # The c suite's library (bindings-c/install.sh: zig, own target dir), else a release one.
  LIB="$CARGO_TARGET_DIR/c-zig/x86_64-unknown-linux-gnu/release/libautosend.so"
  [ -f "$LIB" ] || LIB="$CARGO_TARGET_DIR/release/libautosend.so"
  if [ ! -f "$LIB" ]; then
    cargo build -q -p autosend-c
    LIB="$CARGO_TARGET_DIR/debug/libautosend.so"
  fi
  SANDBOX_BIN="$CARGO_TARGET_DIR/debug/autosend-sandbox"
else
  profile=release
  VENV="$WORK/venv"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  # The wheel only when Python is measured.
  case ",${BENCH_ONLY:-python}," in
    *,python,*)
      ls "$CARGO_TARGET_DIR"/wheels/autosend_sdk-*-abi3-*.whl >/dev/null 2>&1 ||
        bash "$ROOT/bindings-python/build.sh"
      WHEEL="$(ls "$CARGO_TARGET_DIR"/wheels/autosend_sdk-*-abi3-*.whl | head -n1)"
      export BENCH_WHEEL="$WHEEL"
      "$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"
      ;;
  esac
  cargo build -q --release -p autosend-sandbox -p autosend-c
  cargo build -q --release -p autosend-http --example bench_send
  LIB="$CARGO_TARGET_DIR/release/libautosend.so"
  SANDBOX_BIN="$CARGO_TARGET_DIR/release/autosend-sandbox"
fi
"$VENV/bin/python" -c 'import requests, httpx, aiohttp' 2>/dev/null ||
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "requests>=2.32,<3" "httpx>=0.28,<1" "aiohttp>=3.10,<4"

# The C driver, linked against the SDK's shared library and libcurl.
mkdir -p "$WORK/c"
ln -sf "$LIB" "$WORK/c/libautosend.so.0"
ln -sf "$LIB" "$WORK/c/libautosend.so"
cc -O2 -I"$ROOT/bindings-c/include" "$ROOT/bench/drivers/c_bench.c" -o "$WORK/c/c_bench" \
  -L"$WORK/c" -lautosend $(curl-config --libs) -lpthread -Wl,-rpath,"$WORK/c"

export BENCH_SANDBOX="$SANDBOX_BIN" BENCH_PY="$VENV/bin/python" BENCH_C="$WORK/c/c_bench" \
  BENCH_RUST="$CARGO_TARGET_DIR/$profile/examples/bench_send" BENCH_LIB="$LIB" \
  BENCH_PKG="$ROOT/bindings-wasm/pkg" BENCH_AUTOSENDJS="$WORK/node/node_modules/autosendjs"

if [ "$mode" = quick ]; then
  out="$CARGO_TARGET_DIR/bench-quick/latest.json"
  python3 "$ROOT/bench/run.py" --quick --out "$out" --only "${BENCH_ONLY:-node,python,c,rust}"
  python3 "$ROOT/bench/report.py" --check "$out" "${BENCH_ONLY:-node,python,c,rust}"
else
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  out="$ROOT/bench/results/$stamp.json"
  python3 "$ROOT/bench/run.py" --out "$out" --only "${BENCH_ONLY:-node,python,c,rust}"
  if [ -n "${BENCH_ONLY:-}" ] && [ -f "$ROOT/bench/results/latest.json" ]; then
    # Some languages: replace only theirs in latest.json (their ratios are same-run anyway).
    python3 - "$out" "$ROOT/bench/results/latest.json" <<'PY'
import json, sys
new, old = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for k in ("latency", "throughput", "startup", "rss"):
    old[k].update(new[k])
old["crashed_at_exit"] = old.get("crashed_at_exit", []) + new.get("crashed_at_exit", [])
la = lambda k: ", ".join(f"{x:.1f}" for x in new["machine"][k])  # noqa: E731
old["machine"]["note"] = (f"{', '.join(new['latency'])} re-measured by a later BENCH_ONLY run "
                          f"({new['params']['runs']} runs; load average {la('loadavg_start')} at its start, "
                          f"{la('loadavg_end')} at its end)")
json.dump(old, open(sys.argv[2], "w"), indent=1)
PY
  else
    cp "$out" "$ROOT/bench/results/latest.json"
  fi
  if [ "${BENCH_CRITERION:-1}" = 1 ]; then
    say "core hot path (criterion)"
    cargo bench -q -p autosend --bench engine -- --noplot >"$WORK/criterion.log" 2>&1 || tail -n 20 "$WORK/criterion.log"
    python3 - "$CARGO_TARGET_DIR/criterion" "$ROOT/bench/results/criterion.json" <<'PY'
import glob, json, os, sys
out = {}
for est in sorted(glob.glob(os.path.join(sys.argv[1], "*", "*", "new", "estimates.json"))):
    name = "/".join(est.split(os.sep)[-4:-2])
    ns = json.load(open(est))["median"]["point_estimate"]
    out[name] = f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.1f} ns"
json.dump(out, open(sys.argv[2], "w"), indent=1, ensure_ascii=False)
print(json.dumps(out, indent=1, ensure_ascii=False))
PY
  fi
  python3 "$ROOT/bench/report.py" "$ROOT/bench/results/latest.json"
fi

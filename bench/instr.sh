#!/usr/bin/env bash
# Instructions per send of the native drivers, counted with callgrind (deterministic enough to
# resolve a few per cent on a loaded machine, unlike wall-clock or CPU time). Each client is
# run twice against one release sandbox (limits off): N = 450 and N = 50 sequential sends, no
# warm-up; per send = (I(450) - I(50)) / 400, so process start, TLS handshake and the first
# calls cancel out. Every thread of the driver is counted (an I/O thread included); the
# sandbox is not.
#
#   bash bench/instr.sh                 # rust sdk, rust reqwest, c sdk, c curl
#   bash bench/instr.sh rust:sdk c:sdk  # some of them
#   bash bench/instr.sh core            # the core alone (core/examples/hot_path.rs: prepare,
#                                       # poll, answer, poll; no I/O, no sandbox), built here
#
# Needs valgrind and the release builds bench/run.sh makes (the sandbox, libautosend.so, the
# bench_send example, bench/.work/c/c_bench). One line per client:
#   rust sdk  per send 123456 instr  (I50 = …, I450 = …)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$ROOT"
command -v valgrind >/dev/null || apt_ensure valgrind || exit 1
SANDBOX_BIN="$CARGO_TARGET_DIR/release/autosend-sandbox"
if [ "$*" = core ]; then
  cargo build -q --release -p autosend --example hot_path
  bin="$CARGO_TARGET_DIR/release/examples/hot_path" tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for n in 50 450; do
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$n" "$bin" "$n" >/dev/null 2>"$tmp/vg.log" ||
      { tail -n 20 "$tmp/vg.log" >&2; exit 1; }
  done
  i50="$(awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.50")"
  i450="$(awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.450")"
  printf 'core  hot_path per send %8d instr  (I50 = %d, I450 = %d)\n' $(((i450 - i50) / 400)) "$i50" "$i450"
  [ -z "${INSTR_KEEP:-}" ] || { mkdir -p "$INSTR_KEEP" && cp "$tmp"/cg.* "$INSTR_KEEP/"; }
  exit 0
fi
# INSTR_RUST_BIN / INSTR_C_BIN: other builds of the drivers (an A/B of two versions).
RUST_BIN="${INSTR_RUST_BIN:-$CARGO_TARGET_DIR/release/examples/bench_send}"
C_BIN="${INSTR_C_BIN:-$ROOT/bench/.work/c/c_bench}"
for b in "$SANDBOX_BIN" "$RUST_BIN" "$C_BIN"; do
  [ -x "$b" ] || { echo "missing $b: run bench/run.sh (or its build steps) first" >&2; exit 1; }
done
clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=(rust:sdk rust:reqwest c:sdk c:curl)

tmp="$(mktemp -d)"
"$SANDBOX_BIN" --port 0 --lazy-jwks --rate-per-second 100000 --rate-per-minute 1000000 \
  >"$tmp/sandbox.out" 2>/dev/null &
sb=$!
trap 'kill $sb 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 200); do
  head -n1 "$tmp/sandbox.out" 2>/dev/null | grep -q '}' && break
  sleep 0.05
done
read -r url ca key < <(python3 -c '
import json, sys
i = json.loads(open(sys.argv[1]).readline())
print(i["url"], i["ca_cert"], i["keys"]["project"][0]["key"])' "$tmp/sandbox.out")

instr() { # LANG CLIENT N -> total instructions
  local bin="$RUST_BIN"
  [ "$1" = c ] && bin="$C_BIN"
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1.$2.$3" \
    "$bin" "$2" seq "$url" "$ca" "$key" "$3" 0 >/dev/null 2>"$tmp/vg.log" ||
    { tail -n 20 "$tmp/vg.log" >&2; exit 1; }
  awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.$1.$2.$3"
}

for lc in "${clients[@]}"; do
  lang="${lc%%:*}" client="${lc#*:}"
  i50="$(instr "$lang" "$client" 50)"
  i450="$(instr "$lang" "$client" 450)"
  printf '%-5s %-8s per send %8d instr  (I50 = %d, I450 = %d)\n' "$lang" "$client" \
    $(((i450 - i50) / 400)) "$i50" "$i450"
  if [ -n "${INSTR_KEEP:-}" ]; then
    mkdir -p "$INSTR_KEEP" && cp "$tmp/cg.$lang.$client.450" "$tmp/cg.$lang.$client.50" "$INSTR_KEEP/"
  fi
done

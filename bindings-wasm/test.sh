#!/usr/bin/env bash
# Builds, packs and tests the npm package autosend-sdk, from a clean clone:
#   1. build.sh (wasm32 target + wasm-bindgen-cli 0.2.130 installed when missing)
#   2. dev tools from npm (typescript, deno, bun, workerd, esbuild, vite, webpack, publint, attw)
#      into bindings-wasm/dev; Chromium from Debian when missing
#   3. the sandbox (cargo build -p autosend-sandbox), started on port 0, killed at the end
#   4. node --test: conformance vectors, transport, end-to-end over HTTPS
#   5. npm pack → publint --strict, attw; the tarball installed once into a copy of consumers/:
#      CommonJS, ESM, TypeScript (ESM and CommonJS), an esbuild --platform=node single file,
#      Vite (current and 6) + webpack (web, webworker) builds run in headless Chromium, an
#      esbuild bundle importing only autosend-sdk/webhook (no SDK wasm in it), quickstart,
#      examples/send.mjs, and smoke runs in Deno, Bun and workerd (consumers/runtimes; workerd
#      also bundled without the workerd condition)
# Prints "N passed, N failed" last and exits non-zero on any failure. Respects CARGO_TARGET_DIR.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$HERE/tests/.work"
PASSED=0
FAILED=0
FAILS=()
SANDBOX_PID=""
MISBEHAVE_PID=""
WORKERD_PID=""

cleanup() {
  [ -n "$WORKERD_PID" ] && kill -- -"$WORKERD_PID" 2>/dev/null
  [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null
  [ -n "$MISBEHAVE_PID" ] && kill "$MISBEHAVE_PID" 2>/dev/null
  return 0
}
trap cleanup EXIT

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

step() { # step NAME COMMAND... : runs a check, counts it
  local name="$1"
  shift
  echo "--- $name"
  local t0=$EPOCHREALTIME
  if "$@"; then
    PASSED=$((PASSED + 1))
    echo "--- ok: $name ($(elapsed "$t0") s)"
  else
    FAILED=$((FAILED + 1))
    FAILS+=("$name")
    echo "--- FAILED: $name ($(elapsed "$t0") s)"
  fi
}

finish() {
  echo
  [ ${#FAILS[@]} -gt 0 ] && printf 'failed: %s\n' "${FAILS[@]}"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && exit 0 || exit 1
}

fatal() {
  echo "test.sh: $*" >&2
  FAILED=$((FAILED + 1))
  FAILS+=("$*")
  finish
}

command -v node >/dev/null || fatal "node is required (Node.js >= 18)"
command -v npm >/dev/null || fatal "npm is required"
rm -rf "$WORK"
mkdir -p "$WORK"

# 1. Build the package.
bash "$HERE/build.sh" || fatal "build.sh failed"
PKG="${AUTOSEND_PKG_DIR:-$HERE/pkg}"
export AUTOSEND_PKG_DIR="$PKG"

# 2. Dev tools (binaries come from the packages' platform-specific optional dependencies).
(cd "$HERE/dev" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || fatal "npm ci (dev tools) failed"
# bun's launcher is put in place by its install script, which only links the binary of the
# platform package (@oven/bun-*) that npm already installed.
(cd "$HERE/dev/node_modules/bun" && node install.js >/dev/null) || fatal "bun install.js failed"
BIN="$HERE/dev/node_modules/.bin"

# 3. The sandbox.
(cd "$ROOT" && cargo build -p autosend-sandbox) || fatal "cargo build -p autosend-sandbox failed"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
"$TARGET_DIR/debug/autosend-sandbox" --port 0 --ca-out "$WORK/ca.pem" >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/sandbox.out" ] && break
  sleep 0.1
done
AUTOSEND_SANDBOX="$(head -n 1 "$WORK/sandbox.out")"
[ -n "$AUTOSEND_SANDBOX" ] || fatal "the sandbox did not start: $(cat "$WORK/sandbox.err")"
export AUTOSEND_SANDBOX
# The misbehaving HTTPS server of the fault matrix (tests/fault_matrix.test.mjs); its CA is
# trusted next to the sandbox's.
"$TARGET_DIR/debug/autosend-misbehave" --max-seconds 1800 >"$WORK/misbehave.out" 2>"$WORK/misbehave.err" &
MISBEHAVE_PID=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/misbehave.out" ] && break
  sleep 0.1
done
AUTOSEND_MISBEHAVE="$(head -n 1 "$WORK/misbehave.out")"
[ -n "$AUTOSEND_MISBEHAVE" ] || fatal "the misbehaving server did not start: $(cat "$WORK/misbehave.err")"
export AUTOSEND_MISBEHAVE
printf '\n' >>"$WORK/ca.pem"
node -e 'process.stdout.write(JSON.parse(process.env.AUTOSEND_MISBEHAVE).ca_pem)' >>"$WORK/ca.pem"
export NODE_EXTRA_CA_CERTS="$WORK/ca.pem"
SANDBOX_URL="$(node -e 'console.log(JSON.parse(process.env.AUTOSEND_SANDBOX).url)')"
echo "sandbox: $SANDBOX_URL"
newkey() { node "$HERE/tests/tool.mjs" newkey "${1:-project}"; }

# 4. node --test suites.
node_suite() {
  # One file at a time: the sandbox's fault rules and counters are shared by every file.
  node --test --test-concurrency=1 --test-reporter=tap "$HERE"/tests/*.test.mjs >"$WORK/node-test.tap" 2>&1
  local rc=$?
  grep -E '^not ok|^# (tests|pass|fail|skipped)' "$WORK/node-test.tap"
  [ $rc -ne 0 ] && grep -E -A 25 '^not ok' "$WORK/node-test.tap" | head -150
  local pass fail skipped
  pass=$(grep -E '^# pass ' "$WORK/node-test.tap" | awk '{print $3}')
  fail=$(grep -E '^# fail ' "$WORK/node-test.tap" | awk '{print $3}')
  skipped=$(grep -E '^# skipped ' "$WORK/node-test.tap" | awk '{print $3}')
  NODE_PASS=${pass:-0}
  NODE_FAIL=${fail:-0}
  [ "${skipped:-0}" -eq 0 ] || { echo "unexpected skips"; return 1; }
  return $rc
}
NODE_PASS=0
NODE_FAIL=0
step "node --test (vectors, transport, end-to-end)" node_suite

# 5. Pack and use the tarball: lint it as a published package, then install it ONCE into a copy
# of consumers/ (one node_modules shared by every consumer project there) and build/run each.
TARBALL=""
pack() {
  local out
  out="$(cd "$WORK" && npm pack "$PKG" --silent)" || return 1
  TARBALL="$WORK/$(echo "$out" | tail -n 1)"
  echo "tarball: $TARBALL ($(wc -c <"$TARBALL") bytes)"
  tar -tzf "$TARBALL"
  # One copy of each wasm (the SDK's and the webhook-only one), however many entry points.
  [ "$(tar -tzf "$TARBALL" | grep '\.wasm$' | sort | tr '\n' ' ')" = "package/esm/autosend_wasm_bg.wasm package/esm/autosend_wasm_webhook_bg.wasm " ] ||
    { echo "the tarball should hold exactly esm/autosend_wasm_bg.wasm and esm/autosend_wasm_webhook_bg.wasm"; return 1; }
}
step "npm pack" pack

publint_strict() { "$BIN/publint" --strict "$TARBALL"; }
attw_pack() { # every resolution mode (node10, node16 CJS/ESM, bundler) green
  "$BIN/attw" --format ascii "$TARBALL"
}
step "publint --strict" publint_strict
step "attw (are the types wrong)" attw_pack

C="$WORK/consumers"
consumers_dir() {
  [ -d "$C/node_modules/autosend-sdk" ] && return 0
  cp -r "$HERE/consumers" "$C" &&
    (cd "$C" && npm install --no-save --no-audit --no-fund --loglevel=error --ignore-scripts "$TARBALL") || return 1
  # The bundlers and the browser driver come from dev/ (already installed), linked in.
  for t in vite webpack; do ln -sfn "$HERE/dev/node_modules/$t" "$C/node_modules/$t"; done
}

consumer_cjs() {
  consumers_dir && (cd "$C/cjs" && AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node index.js)
}
consumer_esm() {
  consumers_dir && (cd "$C/esm" && AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node index.js)
}
consumer_ts() {
  consumers_dir && cp "$HERE/examples/typed.ts" "$C/ts/typed.ts" &&
    (cd "$C/ts" && "$BIN/tsc" -p . && # "strict": true in tsconfig.json: a type error fails here
      AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node dist/index.js)
}
consumer_ts_cjs() { # default import, compiled to CommonJS (module Node16)
  consumers_dir && (cd "$C/ts-cjs" && "$BIN/tsc" -p . &&
    AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node dist/index.js)
}
consumer_esbuild_node() { # esbuild --platform=node --minify, one file run alone (AWS Lambda style)
  consumers_dir || return 1
  local fmt file out
  for fmt in cjs esm; do
    file="bundle.${fmt/esm/mjs}"
    out="$WORK/lambda-$fmt"
    rm -rf "$out"
    (cd "$C/esbuild-node" && "$BIN/esbuild" index.mjs --bundle --platform=node --format="$fmt" --minify \
      --outfile="$out/$file" --log-level=warning) || return 1
    echo "bundle ($fmt): $(wc -c <"$out/$file") bytes"
    (cd "$out" && node "$file" "$(newkey)" "$SANDBOX_URL") || return 1
  done
}
consumer_webhook_only() { # imports only verifyWebhook: the small split wasm, not the SDK's
  consumers_dir || return 1
  local out="$WORK/webhook-only" f
  rm -rf "$out"
  # split.mjs imports autosend-sdk/webhook, whole.mjs the main entry (the size before the split):
  # esbuild --platform=node --minify single files (the wasm inlined), each run alone.
  for f in split whole; do
    (cd "$C/webhook-only" && "$BIN/esbuild" "$f.mjs" --bundle --platform=node --format=esm --minify \
      --outfile="$out/$f.mjs" --log-level=warning) && (cd "$out" && node "$f.mjs") || return 1
  done
  node "$C/webhook-only/measure.mjs" "$out" "$C/node_modules/autosend-sdk"
}
consumer_browser() { # Vite, Vite 6, webpack web and webpack webworker builds, run in headless Chromium
  consumers_dir || return 1
  command -v chromium >/dev/null || apt_chromium || return 1
  # Vite 6 (dev tool "vite6") with the documented target (vite6.config.js), next to current Vite.
  (cd "$C/browser" && "$BIN/vite" build && node "$HERE/dev/node_modules/vite6/bin/vite.js" build --config vite6.config.js &&
    node webpack.mjs && node run.mjs "$SANDBOX_URL" "$(newkey)" "$(newkey)" "$(newkey)" "$(newkey)")
}
apt_chromium() {
  # shellcheck source=../scripts/common.sh
  (source "$ROOT/scripts/common.sh" && apt_ensure chromium)
}
quickstart() { # the README's quickstart, verbatim, from the ESM consumer
  consumers_dir && cp "$HERE/examples/quickstart.mjs" "$C/esm/quickstart.mjs" &&
    (cd "$C/esm" && AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node quickstart.mjs | tee "$WORK/quickstart.out") &&
    grep -q '^queued ' "$WORK/quickstart.out"
}
send_example() { # the demo command: node bindings-wasm/examples/send.mjs
  (cd "$ROOT" && AUTOSEND_API_KEY="$(newkey)" AUTOSEND_BASE_URL="$SANDBOX_URL" node bindings-wasm/examples/send.mjs | tee "$WORK/send.out") &&
    grep -q '"ok":true' "$WORK/send.out"
}
step "consumer: CommonJS require" consumer_cjs
step "consumer: ESM import" consumer_esm
step "consumer: TypeScript ESM (tsc --strict)" consumer_ts
step "consumer: TypeScript CommonJS (default import)" consumer_ts_cjs
step "consumer: esbuild --platform=node single file" consumer_esbuild_node
step "consumer: only verifyWebhook (autosend-sdk/webhook), esbuild bundle without the SDK's wasm" consumer_webhook_only
step "consumer: browser (Vite, Vite 6, webpack web + webworker, Chromium)" consumer_browser
step "README quickstart (examples/quickstart.mjs)" quickstart
step "examples/send.mjs" send_example

# Deno, Bun and workerd: consumers/runtimes, resolved through the package's conditional exports.
write_config() { # write_config ENTRY
  node -e 'const [entry, key, url] = process.argv.slice(1); require("fs").writeFileSync("config.json", JSON.stringify({expectEntry: entry, apiKey: key, baseUrl: url}))' "$1" "$(newkey)" "$SANDBOX_URL"
}
smoke_deno() {
  consumers_dir && (cd "$C/runtimes" && write_config deno &&
    DENO_NO_UPDATE_CHECK=1 DENO_DIR="$WORK/deno-cache" "$BIN/deno" run --node-modules-dir=manual --cert "$WORK/ca.pem" \
      --allow-net=127.0.0.1 --allow-read="$C" smoke.mjs)
}
smoke_bun() {
  consumers_dir && (cd "$C/runtimes" && write_config bun && NODE_EXTRA_CA_CERTS="$WORK/ca.pem" "$BIN/bun" run smoke.mjs)
}
workerd_bundle() { # workerd_bundle DIR CONDITIONS: bundle consumers/runtimes/worker.mjs as wrangler does
  local dir="$1" conditions="$2"
  rm -rf "$dir" && mkdir -p "$dir"
  # esbuild with the given conditions; .wasm files kept as separate modules.
  (cd "$C/runtimes" && "$BIN/esbuild" worker.mjs --bundle --format=esm --platform=neutral \
    --conditions="$conditions" --external:'*.wasm' --outfile="$dir/worker.mjs" --log-level=warning) &&
    cp "$WORK/ca.pem" "$dir/ca.pem"
}
workerd_get() { # workerd_get DIR PATH WASM...: serve DIR's bundle (+ the wasm modules), GET PATH once
  local dir="$1" path="$2" port key modules="" w
  shift 2
  for w in "$@"; do
    cp "$C/node_modules/autosend-sdk/esm/$w" "$dir/" || return 1
    modules="$modules
    (name = \"$w\", wasm = embed \"$w\"),"
  done
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  key="$(newkey)"
  cat >"$dir/config.capnp" <<EOF
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smoke),
    (name = "sandbox-net", network = (allow = ["local"], tlsOptions = (trustedCertificates = [embed "ca.pem"]))),
  ],
  sockets = [(name = "http", address = "127.0.0.1:$port", http = (), service = "main")],
);
const smoke :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),$modules
  ],
  compatibilityDate = "2025-01-01",
  globalOutbound = "sandbox-net",
  bindings = [(name = "API_KEY", text = "$key"), (name = "BASE_URL", text = "$SANDBOX_URL")],
);
EOF
  # Its own process group: the npm launcher spawns the real binary, and killing only the
  # launcher would leave workerd running.
  setsid "$BIN/workerd" serve "$dir/config.capnp" >"$dir/workerd.log" 2>&1 &
  WORKERD_PID=$!
  local out=""
  for _ in $(seq 1 50); do
    out="$(node -e 'fetch(process.argv[1]).then(r=>r.text()).then(t=>console.log(t)).catch(()=>process.exit(1))' "http://127.0.0.1:$port$path" 2>/dev/null)" && break
    sleep 0.2
  done
  kill -- -"$WORKERD_PID" 2>/dev/null
  wait "$WORKERD_PID" 2>/dev/null
  WORKERD_PID=""
  echo "$out"
  [ -n "$out" ] || { cat "$dir/workerd.log"; return 1; }
}
smoke_workerd() {
  consumers_dir || return 1
  local dir="$C/runtimes/workerd" out
  # As wrangler bundles: the conditions workerd, worker, browser.
  workerd_bundle "$dir" workerd,worker,browser || return 1
  for w in autosend_wasm_bg.wasm autosend_wasm_webhook_bg.wasm; do
    grep -q "\"./$w\"" "$dir/worker.mjs" || { echo "bundle does not import the wasm module $w"; return 1; }
  done
  out="$(workerd_get "$dir" /send autosend_wasm_bg.wasm autosend_wasm_webhook_bg.wasm)" || { echo "$out"; return 1; }
  echo "$out"
  echo "$out" | grep -q '"ok":true' && echo "$out" | grep -q '"runtime":"workerd"' || { cat "$dir/workerd.log"; return 1; }
}
smoke_workerd_browser() { # bundled WITHOUT the workerd condition: the browser entries must start
  consumers_dir || return 1
  local dir="$C/runtimes/workerd-browser" out
  workerd_bundle "$dir" worker,browser || return 1
  ! grep -Eq 'from "\./[A-Za-z0-9_]+\.wasm"' "$dir/worker.mjs" || { echo "the browser entries import a .wasm module"; return 1; }
  out="$(workerd_get "$dir" /start)" || { echo "$out"; return 1; }
  echo "$out"
  echo "$out" | grep -q '"started":true,"runtime":"browser","webhookRuntime":"browser"' || { cat "$dir/workerd.log"; return 1; }
  # First use: an error that names the fix, not a crash at start-up.
  out="$(workerd_get "$dir" /send)" || { echo "$out"; return 1; }
  echo "$out"
  echo "$out" | grep -q 'Bundle with the \\"workerd\\" condition' || { cat "$dir/workerd.log"; return 1; }
}
step "smoke: Deno" smoke_deno
step "smoke: Bun" smoke_bun
step "smoke: workerd" smoke_workerd
step "smoke: workerd, bundled without the workerd condition (starts, clear error on use)" smoke_workerd_browser

wasm_size() {
  local w="$PKG/esm/autosend_wasm_bg.wasm"
  echo "autosend_wasm_bg.wasm: $(wc -c <"$w") bytes raw, $(gzip -9c "$w" | wc -c) bytes gzip -9"
  w="$PKG/esm/autosend_wasm_webhook_bg.wasm"
  echo "autosend_wasm_webhook_bg.wasm (autosend-sdk/webhook): $(wc -c <"$w") bytes raw, $(gzip -9c "$w" | wc -c) bytes gzip -9"
}
wasm_size

PASSED=$((PASSED + NODE_PASS))
FAILED=$((FAILED + NODE_FAIL))
finish

#!/usr/bin/env bash
# Builds the npm package autosend-sdk into bindings-wasm/pkg (or $AUTOSEND_PKG_DIR):
#   core → wasm32 (cargo, profile "wasm") → wasm-bindgen (nodejs CJS + web ESM glue)
#   + js/sdk.mjs (and its CommonJS twin) + per-runtime entry points + types.
# Installs what it needs when missing: the wasm32 target (rustup) and wasm-bindgen-cli
# 0.2.130 (cargo install, into ~/.cargo/bin). Respects CARGO_TARGET_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PKG="${AUTOSEND_PKG_DIR:-$HERE/pkg}"
WB_VERSION="0.2.130"
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "build.sh: adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! "$HOME/.cargo/bin/wasm-bindgen" --version 2>/dev/null | grep -q " $WB_VERSION\$"; then
  echo "build.sh: installing wasm-bindgen-cli $WB_VERSION into ~/.cargo/bin"
  cargo install --force wasm-bindgen-cli --version "=$WB_VERSION" --root "$HOME/.cargo"
fi
WASM_BINDGEN="$HOME/.cargo/bin/wasm-bindgen"

cd "$ROOT"
# One invocation for both modules (the SDK's and the webhook-only one, bindings-wasm/webhook):
# the core is compiled once for both.
cargo build --target wasm32-unknown-unknown --profile wasm -p autosend-wasm -p autosend-wasm-webhook
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm/autosend_wasm.wasm"
WEBHOOK_WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm/autosend_wasm_webhook.wasm"

rm -rf "$PKG"
mkdir -p "$PKG/cjs" "$PKG/esm"
# One copy of each wasm (esm/autosend_wasm_bg.wasm, esm/autosend_wasm_webhook_bg.wasm), shared by every entry point. The web glue
# (ESM) takes a compiled module; the nodejs glue (CommonJS) gets its bytes from the package
# import "#wasm-bytes": a file read next to the package in Node, or (condition "module", which
# bundlers such as esbuild and webpack set and Node does not) an `import ... with { type:
# 'bytes' }` that a bundler inlines, so an `esbuild --platform=node` single file needs no .wasm.
glue() { # glue WASM NAME BYTES_IMPORT: web glue into esm/, nodejs glue into cjs/NAME.cjs
  local wasm="$1" name="$2" bytes="$3" tmp prep
  # Without rustc's `multivalue` mark, wasm-bindgen returns through its shadow stack instead of
  # several values, so V8's generic wrapper serves every export and no per-signature wrapper is
  # compiled at start-up (js/wasm-multivalue.mjs: ~23 M instructions, 17 % of import + new).
  prep="$(mktemp -d)"
  node "$HERE/js/wasm-multivalue.mjs" strip "$wasm" "$prep/$(basename "$wasm")" || return 1
  wasm="$prep/$(basename "$wasm")"
  "$WASM_BINDGEN" --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$PKG/esm" "$wasm"
  tmp="$(mktemp -d)"
  "$WASM_BINDGEN" --target nodejs --no-typescript --remove-name-section --remove-producers-section --out-dir "$tmp" "$wasm"
  node - "$tmp/$name.js" "$PKG/cjs/$name.cjs" "$name" "$bytes" <<'JS' || return 1
const fs = require('fs');
const [src, dst, name, bytes] = process.argv.slice(2);
const code = fs.readFileSync(src, 'utf8');
const from = new RegExp(`const wasmPath = \`\\$\\{__dirname\\}/${name}_bg\\.wasm\`;\nconst wasmBytes = require\\('fs'\\)\\.readFileSync\\(wasmPath\\);\n`);
if (!from.test(code)) {
  console.error('build.sh: the nodejs glue of this wasm-bindgen version reads the wasm differently; update build.sh');
  process.exit(1);
}
// A module the entry compiled ahead (wasm-bytes.cjs `compiled`, Node's ESM entry) is used as it
// is; otherwise (CommonJS, bundlers' wasm-bytes.mjs) the bytes are compiled here, synchronously.
const compile = 'const wasmModule = new WebAssembly.Module(wasmBytes);\n';
if (!code.includes(compile)) {
  console.error('build.sh: the nodejs glue of this wasm-bindgen version compiles the wasm differently; update build.sh');
  process.exit(1);
}
fs.writeFileSync(
  dst,
  code
    .replace(from, `const wasmSource = require('${bytes}');\n`)
    .replace(compile, 'const wasmModule = wasmSource.compiled?.() ?? new WebAssembly.Module(wasmSource.default);\n'),
);
JS
  rm -rf "$tmp" "$prep"
}
glue "$WASM" autosend_wasm '#wasm-bytes' || exit 1
# The webhook subpath (autosend-sdk/webhook): the core's webhook module alone, a second small
# wasm loaded the same ways ("#webhook-wasm-bytes"), with the SDK's error classes.
glue "$WEBHOOK_WASM" autosend_wasm_webhook '#webhook-wasm-bytes' || exit 1

cp "$HERE/js/sdk.mjs" "$PKG/esm/sdk.mjs"
node "$HERE/js/to-cjs.mjs" "$HERE/js/sdk.mjs" "$PKG/cjs/sdk.cjs"
cp "$HERE/js/entries/index.cjs" "$HERE/js/entries/wasm-bytes.cjs" "$HERE/js/entries/read-wasm.cjs" "$PKG/cjs/"
cp "$HERE/js/entries/wasm-bytes.mjs" "$HERE/js/entries/base64-shim.mjs" "$PKG/esm/"
# The Deno, Bun, workerd and browser entries of both subpaths (autosend-sdk and
# autosend-sdk/webhook): each runtime's loader lines are written once, in js/gen-entries.mjs.
node "$HERE/js/gen-entries.mjs" "$PKG" || exit 1
cp "$HERE/js/entries/browser-loader.mjs" "$PKG/esm/"
cp "$HERE/webhook/js/webhook.mjs" "$HERE"/webhook/js/entries/*.mjs "$PKG/esm/"
node "$HERE/js/to-cjs.mjs" "$HERE/webhook/js/webhook.mjs" "$PKG/cjs/webhook.cjs"
cp "$HERE"/webhook/js/entries/*.cjs "$PKG/cjs/"
cp "$HERE/js/entries/base64-shim.mjs" "$PKG/esm/webhook-base64-shim.mjs"
# Types: index.d.ts/endpoints.d.ts are ESM (the package is "type": "module"); the .d.cts twins
# describe the CommonJS entry (`exports.default` is AutoSend, `__esModule` is set).
cp "$HERE/pkg-src/package.json" "$HERE/pkg-src/index.d.ts" "$HERE/pkg-src/endpoints.d.ts" "$HERE/pkg-src/webhook.d.ts" "$PKG/"
sed "s#from './index.js'#from './index.cjs'#" "$HERE/pkg-src/webhook.d.ts" >"$PKG/webhook.d.cts"
sed "s#from './endpoints.js'#from './endpoints.cjs'#" "$HERE/pkg-src/index.d.ts" >"$PKG/index.d.cts"
sed "s#from './index.js'#from './index.cjs'#" "$HERE/pkg-src/endpoints.d.ts" >"$PKG/endpoints.d.cts"
grep -q "from './endpoints.cjs'" "$PKG/index.d.cts" && grep -q "from './index.cjs'" "$PKG/endpoints.d.cts" &&
  grep -q "from './index.cjs'" "$PKG/webhook.d.cts" ||
  { echo "build.sh: could not derive the .d.cts files" >&2; exit 1; }
# The errors the JS side reports without asking the core (a trapped instance cannot be asked):
# a small table written from the fresh wasm's boundaryErrors() (needs package.json's "type").
node "$HERE/js/gen-boundary-errors.mjs" "$PKG" || exit 1
# The Node ESM entries re-export the CommonJS instance (one module instance for import and
# require): their export list is read from that module (which needs the table), not written by
# hand. esm/node.mjs (Node) loads it with createRequire; esm/node-bundler.mjs (condition
# "module") imports it, for bundlers.
node "$HERE/js/node-entry.mjs" "$PKG/cjs/index.cjs" "$PKG/esm/node.mjs" "$PKG/esm/node-bundler.mjs" AutoSend "$PKG/cjs/wasm-bytes.cjs" || exit 1
node "$HERE/js/node-entry.mjs" "$PKG/cjs/webhook-index.cjs" "$PKG/esm/webhook-node.mjs" "$PKG/esm/webhook-node-bundler.mjs" verifyWebhook || exit 1
cp "$HERE/README.md" "$PKG/README.md"
# The project's URL has one home, the workspace Cargo.toml (`repository`, which the crates and
# the wheel's checked [project.urls] use too): package.json's repository/homepage/bugs come from it.
REPO_URL="$(cargo metadata --no-deps --format-version 1 --locked |
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).packages.find((p)=>p.name==="autosend").repository||""))')"
[ -n "$REPO_URL" ] || { echo "build.sh: no repository in the workspace Cargo.toml" >&2; exit 1; }
node - "$PKG/package.json" "$REPO_URL" <<'JS' || exit 1
const fs = require('fs');
const [file, url] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const out = {};
for (const [k, v] of Object.entries(pkg)) {
  out[k] = v;
  if (k === 'keywords') {
    out.repository = { type: 'git', url: `git+${url}.git`, directory: 'bindings-wasm' };
    out.homepage = `${url}#readme`;
    out.bugs = { url: `${url}/issues` };
  }
}
fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
JS
# Licence texts and third-party notices travel with the package (issue 15 item 7).
shopt -s nullglob
for f in "$ROOT"/LICENSE* "$ROOT"/THIRD-PARTY* "$ROOT"/NOTICE*; do cp "$f" "$PKG/"; done
shopt -u nullglob
ls "$PKG"/LICENSE* >/dev/null 2>&1 || echo "build.sh: warning: no LICENSE* file at the repository root to ship" >&2

raw=$(wc -c < "$PKG/esm/autosend_wasm_bg.wasm")
gz=$(gzip -9c "$PKG/esm/autosend_wasm_bg.wasm" | wc -c)
wraw=$(wc -c < "$PKG/esm/autosend_wasm_webhook_bg.wasm")
wgz=$(gzip -9c "$PKG/esm/autosend_wasm_webhook_bg.wasm" | wc -c)
echo "build.sh: built $PKG (autosend_wasm_bg.wasm: $raw bytes raw, $gz bytes gzip -9; webhook-only autosend_wasm_webhook_bg.wasm: $wraw bytes raw, $wgz bytes gzip -9)"

# examples/ import 'autosend-sdk' by name: link the fresh build there (node_modules is ignored).
mkdir -p "$HERE/examples/node_modules"
ln -sfn "$PKG" "$HERE/examples/node_modules/autosend-sdk"

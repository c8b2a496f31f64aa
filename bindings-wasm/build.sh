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
cargo build --target wasm32-unknown-unknown --profile wasm -p autosend-wasm
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm/autosend_wasm.wasm"

rm -rf "$PKG"
mkdir -p "$PKG/cjs" "$PKG/esm"
"$WASM_BINDGEN" --target nodejs --no-typescript --remove-name-section --remove-producers-section --out-dir "$PKG/cjs" "$WASM"
"$WASM_BINDGEN" --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$PKG/esm" "$WASM"
echo '{"type":"commonjs"}' > "$PKG/cjs/package.json"
echo '{"type":"module"}' > "$PKG/esm/package.json"

cp "$HERE/js/sdk.mjs" "$PKG/esm/sdk.mjs"
node "$HERE/js/to-cjs.mjs" "$HERE/js/sdk.mjs" "$PKG/cjs/sdk.cjs"
cp "$HERE/js/entries/index.cjs" "$PKG/cjs/index.cjs"
cp "$HERE/js/entries/node.mjs" "$HERE/js/entries/deno.mjs" "$HERE/js/entries/bun.mjs" \
   "$HERE/js/entries/workerd.mjs" "$PKG/esm/"
cp "$HERE/pkg-src/package.json" "$HERE/pkg-src/index.d.ts" "$HERE/pkg-src/endpoints.d.ts" "$PKG/"
cp "$HERE/README.md" "$PKG/README.md"

raw=$(wc -c < "$PKG/esm/autosend_wasm_bg.wasm")
gz=$(gzip -9c "$PKG/esm/autosend_wasm_bg.wasm" | wc -c)
echo "build.sh: built $PKG (autosend_wasm_bg.wasm: $raw bytes raw, $gz bytes gzip -9)"

# examples/ import 'autosend-sdk' by name: link the fresh build there (node_modules is ignored).
mkdir -p "$HERE/examples/node_modules"
ln -sfn "$PKG" "$HERE/examples/node_modules/autosend-sdk"

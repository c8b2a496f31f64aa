#!/usr/bin/env bash
# The core must be sans-IO: its wasm32 build may import nothing from the host except
# wasm-bindgen's own glue. Fails if the built module imports from `env` (libc-style shims,
# getrandom, clocks) or any other unexpected module. Run after bindings-wasm/build.sh.
# Also fails if an export returns several values (start-up cost in V8: js/wasm-multivalue.mjs).
# Argument: the module (default: the SDK's; the wasm suite also checks autosend-sdk/webhook's).
set -euo pipefail
source "$(dirname "$0")/common.sh"
wasm="${1:-$ROOT/bindings-wasm/pkg/esm/autosend_wasm_bg.wasm}"
[ -f "$wasm" ] || { echo "no wasm module at $wasm (run bindings-wasm/build.sh)" >&2; exit 1; }
node - "$wasm" <<'JS'
const fs = require('fs');
const mod = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const imports = WebAssembly.Module.imports(mod);
const modules = [...new Set(imports.map((i) => i.module))];
// wasm-bindgen's glue module is named after the wasm file (x_bg.wasm imports from ./x_bg.js).
const glue = `./${require('path').basename(process.argv[2], '.wasm')}.js`;
const bad = imports.filter((i) => i.module !== glue && i.module !== 'wbg');
console.log(`wasm imports: ${imports.length} functions from ${JSON.stringify(modules)}`);
if (bad.length) {
  console.error('unexpected imports (the core must not reach the host):');
  for (const i of bad) console.error(`  ${i.module}.${i.name} (${i.kind})`);
  process.exit(1);
}
// Time and randomness come in as arguments; the module itself must not ask the host.
for (const i of imports) {
  if (/random|_now_|performance|date/i.test(i.name)) {
    console.error(`forbidden import ${i.name}: time and seeds must be passed in`);
    process.exit(1);
  }
}
console.log('ok: no env imports');
JS
node "$ROOT/bindings-wasm/js/wasm-multivalue.mjs" check "$wasm"

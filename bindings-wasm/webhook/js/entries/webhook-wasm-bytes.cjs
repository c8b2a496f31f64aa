'use strict';
// Node.js: the bytes of the package's small webhook wasm (esm/autosend_wasm_webhook_bg.wasm),
// read when its CommonJS glue is first required (the first verifyWebhook() of
// autosend-sdk/webhook). Bundlers resolve "#webhook-wasm-bytes" to webhook-wasm-bytes.mjs
// instead (package.json "imports").
const path = require('node:path');
const fs = require('node:fs');

const file = path.join(__dirname, '..', 'esm', 'autosend_wasm_webhook_bg.wasm');
let bytes;
try {
  bytes = fs.readFileSync(file);
} catch (e) {
  const err = new Error(
    `autosend-sdk: cannot read its WebAssembly file ${file} (${e.code || e.message}). ` +
      'Install the package with its files intact; when bundling, keep autosend-sdk external or let the bundler resolve it (esbuild does).',
  );
  err.name = 'AutoSendLoadError';
  throw err;
}
module.exports = { default: bytes };

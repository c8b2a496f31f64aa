'use strict';
// Node.js: the bytes of the package's small webhook wasm (esm/autosend_wasm_webhook_bg.wasm),
// read when its CommonJS glue is first required (the first verifyWebhook() of
// autosend-sdk/webhook). Bundlers resolve "#webhook-wasm-bytes" to webhook-wasm-bytes.mjs
// instead (package.json "imports").
module.exports = { default: require('./read-wasm.cjs')('autosend_wasm_webhook_bg.wasm') };

'use strict';
// Node.js, CommonJS (`require('autosend-sdk')`). The wasm is read and compiled on first use
// (the first `new AutoSend()` or `verifyWebhook()`), not at require time.
const sdk = require('./sdk.cjs');
sdk._setWasmLoader(() => require('./autosend_wasm.js'));
module.exports = sdk;
module.exports.runtimeEntry = 'node';

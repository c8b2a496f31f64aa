'use strict';
// Node.js, CommonJS (`require('autosend-sdk')`). The wasm is read and compiled on first use
// (the first `new AutoSend()` or `verifyWebhook()`), not at require time.
const sdk = require('./sdk.cjs');
sdk._setWasmLoader(() => require('./autosend_wasm.cjs'));
// With Node's own fetch, attempts go to its undici Agent's dispatcher API, which tells
// whether a request was written; with a caller's `options.fetch`, undici's diagnostics
// channels tell it: a connection or TLS handshake that never completed is then `connect`
// (nothing sent).
// Node builtins through process.getBuiltinModule (Node >= 20.16) where it exists: a bundle in
// ESM format (esbuild --format=esm) cannot `require` them.
const builtin = (name) =>
  typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(name) : require(name);
sdk._setNodeHooks({
  diagnosticsChannel: builtin('node:diagnostics_channel'),
  AsyncLocalStorage: builtin('node:async_hooks').AsyncLocalStorage,
  fetch: globalThis.fetch,
  // Bodies a server coded without being asked (the SDK's own requests ask for none).
  zlib: () => builtin('node:zlib'),
});
// `exports.default` is AutoSend: transpiled `import AutoSend from 'autosend-sdk'` (TypeScript,
// Babel, bundlers) reads it because `__esModule` is set, as index.d.cts declares.
Object.defineProperty(exports, '__esModule', { value: true });
Object.assign(exports, sdk);
exports.default = sdk.default;
exports.runtimeEntry = 'node';

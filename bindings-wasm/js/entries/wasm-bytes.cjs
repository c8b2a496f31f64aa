'use strict';
// Node.js: the bytes of the package's one wasm file (esm/autosend_wasm_bg.wasm), read when
// the CommonJS glue is first required (the first `new AutoSend()` or `verifyWebhook()`), and
// the module compiled ahead of it when the ESM entry asked (`precompile`).
// Bundlers resolve "#wasm-bytes" to wasm-bytes.mjs instead (package.json "imports").
const readWasm = require('./read-wasm.cjs');

let bytes;
function read() {
  if (!bytes) bytes = readWasm('autosend_wasm_bg.wasm');
  return bytes;
}

// The ESM entry (esm/node.mjs) compiles the module at import with WebAssembly.compile, which
// validates it off the main thread while Node loads the rest of the package, and awaits it
// (top-level await); the glue then only instantiates it. Never rejects: a file that cannot be
// read or compiled is reported by the synchronous path, at first use, as before.
let compiled = null;
let compiling = null;
function precompile() {
  if (!compiling) {
    let started;
    try {
      started = WebAssembly.compile(read()); // starts now; validation runs on V8's worker threads
    } catch {
      started = Promise.reject();
    }
    compiling = started.then(
      (m) => {
        compiled = m;
      },
      () => {},
    );
  }
  return compiling;
}

module.exports = {
  get default() {
    return read();
  },
  precompile,
  compiled: () => compiled,
};

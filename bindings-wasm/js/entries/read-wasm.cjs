'use strict';
// Node.js: reads one of the package's wasm files (esm/<name>) for the CommonJS byte modules of
// both subpaths (wasm-bytes.cjs, webhook-wasm-bytes.cjs), or throws AutoSendLoadError saying
// what to do.
const path = require('node:path');
const fs = require('node:fs');

module.exports = function readWasm(name) {
  const file = path.join(__dirname, '..', 'esm', name);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const err = new Error(
      `autosend-sdk: cannot read its WebAssembly file ${file} (${e.code || e.message}). ` +
        'Install the package with its files intact; when bundling, keep autosend-sdk external or let the bundler resolve it (esbuild does).',
    );
    err.name = 'AutoSendLoadError';
    throw err;
  }
};

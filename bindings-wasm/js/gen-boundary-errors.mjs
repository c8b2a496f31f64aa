// Writes the table of the errors the JS side reports without asking the core (a trapped
// instance cannot be asked): esm/boundary-errors.mjs and cjs/boundary-errors.cjs of the built
// package, from the fresh wasm's boundaryErrors() (the core's error JSON: code, kind,
// category, hint, display). Imported by js/sdk.mjs and webhook/js/webhook.mjs; nothing in it
// is written by hand. Usage: node js/gen-boundary-errors.mjs PKG_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg] = process.argv.slice(2);
const glue = await import(pathToFileURL(path.join(pkg, 'esm', 'autosend_wasm.js')).href);
glue.initSync({ module: new WebAssembly.Module(readFileSync(path.join(pkg, 'esm', 'autosend_wasm_bg.wasm'))) });
const table = JSON.parse(glue.boundaryErrors());
for (const name of ['notLoaded', 'unreadable', 'trap']) {
  const e = table[name];
  if (!e || typeof e.code !== 'number' || !e.kind || !e.hint || !e.message) {
    console.error(`gen-boundary-errors: boundaryErrors() lacks a complete "${name}"`);
    process.exit(1);
  }
}
const head =
  '// GENERATED at build time by js/gen-boundary-errors.mjs from the core (boundaryErrors() of\n' +
  '// the wasm): the errors reported when the core cannot be asked. Do not edit.\n';
const body = `Object.freeze(${JSON.stringify(table, null, 2)})`;
writeFileSync(path.join(pkg, 'esm', 'boundary-errors.mjs'), `${head}export const BOUNDARY_ERRORS = ${body};\n`);
writeFileSync(
  path.join(pkg, 'cjs', 'boundary-errors.cjs'),
  `'use strict';\n${head}module.exports = { BOUNDARY_ERRORS: ${body} };\n`,
);

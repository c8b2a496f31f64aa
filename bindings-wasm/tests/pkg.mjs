// Resolves the built package (bindings-wasm/pkg, or $AUTOSEND_PKG_DIR) for the Node tests.
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PKG_DIR = process.env.AUTOSEND_PKG_DIR || path.join(here, '..', 'pkg');
export const sdk = await import(pathToFileURL(path.join(PKG_DIR, 'esm', 'node.mjs')).href);

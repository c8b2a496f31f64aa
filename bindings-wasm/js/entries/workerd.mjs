// Cloudflare Workers / workerd: the .wasm is imported as a WebAssembly.Module (bundlers such
// as wrangler keep it as a separate wasm module).
import module from './autosend_wasm_bg.wasm';
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';

_setWasmLoader(() => {
  glue.initSync({ module });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'workerd';

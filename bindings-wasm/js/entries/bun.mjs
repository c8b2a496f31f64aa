// Bun: read the wasm next to this file with Bun.file at import; compile it on first use.
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';

const bytes = await globalThis.Bun.file(new URL('./autosend_wasm_bg.wasm', import.meta.url)).arrayBuffer();
_setWasmLoader(() => {
  glue.initSync({ module: new WebAssembly.Module(bytes) });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'bun';

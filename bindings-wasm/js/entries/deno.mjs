// Deno (and any runtime whose fetch reads file: URLs): read the wasm next to this file at
// import; compile it on first use (the first `new AutoSend()` or `verifyWebhook()`).
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';

const bytes = await (await fetch(new URL('./autosend_wasm_bg.wasm', import.meta.url))).arrayBuffer();
_setWasmLoader(() => {
  glue.initSync({ module: new WebAssembly.Module(bytes) });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'deno';

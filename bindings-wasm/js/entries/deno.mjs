// Deno (and any runtime whose fetch reads file: URLs): compile the wasm next to this file.
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';

const module = await WebAssembly.compile(
  await (await fetch(new URL('./autosend_wasm_bg.wasm', import.meta.url))).arrayBuffer(),
);
_setWasmLoader(() => {
  glue.initSync({ module });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'deno';

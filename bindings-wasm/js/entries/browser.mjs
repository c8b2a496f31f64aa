// Browsers and web workers, through a bundler (Vite, webpack 5) or a plain <script type=module>:
// `new URL(…, import.meta.url)` is the pattern bundlers follow to emit the .wasm as an asset.
// The module is fetched and compiled once, in the background, when this file is imported.
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';

const url = new URL('./autosend_wasm_bg.wasm', import.meta.url);
async function compile() {
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // A server that does not send application/wasm: compile from the bytes instead.
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`autosend-sdk: fetching ${url} answered HTTP ${res.status}; serve the .wasm your bundler emitted`);
  return WebAssembly.compile(await res.arrayBuffer());
}
const module = await compile();
_setWasmLoader(() => {
  glue.initSync({ module });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'browser';

// Browsers and web workers, through a bundler (Vite, webpack 5) or a plain <script type=module>:
// `new URL(…, import.meta.url)` is the pattern bundlers follow to emit the .wasm as an asset.
// The module is fetched and compiled once, in the background, when this file is imported.
//
// Cloudflare Workers / workerd also end up here when a bundle is made without the "workerd"
// condition (esbuild --platform=browser, older wrangler setups): there, no fetch may run at
// start-up and no wasm may be compiled from bytes, so nothing is loaded at import (the Worker
// starts) and the first use throws an error that says how to bundle (browser-loader.mjs).
import * as glue from './autosend_wasm.js';
import { _setWasmLoader } from './sdk.mjs';
import { browserWasm } from './browser-loader.mjs';

const module = await browserWasm(() => new URL('./autosend_wasm_bg.wasm', import.meta.url));
_setWasmLoader(() => {
  glue.initSync({ module: module() });
  return glue;
});
export * from './sdk.mjs';
export { default } from './sdk.mjs';
export const runtimeEntry = 'browser';

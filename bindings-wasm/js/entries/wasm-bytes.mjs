// Bundlers (condition "module" of "#wasm-bytes" in package.json; Node never takes it): the
// wasm as bytes inlined into the bundle, so a single-file `esbuild --platform=node` bundle
// (the usual AWS Lambda build) carries it. Read by the CommonJS glue on first use.
import { installed } from './base64-shim.mjs';
import bytes from './autosend_wasm_bg.wasm' with { type: 'bytes' };

if (installed) delete Uint8Array.fromBase64;
export default bytes;

// Bundlers (condition "module" of "#webhook-wasm-bytes" in package.json; Node never takes it):
// the small webhook wasm as bytes inlined into the bundle, so a single-file `esbuild
// --platform=node` bundle carries it. Read by its CommonJS glue on first use.
// Its own copy of the base64 shim (build.sh copies base64-shim.mjs): the main entry's
// wasm-bytes.mjs removes the shared one once its bytes are decoded, and a bundle holding both
// entries decodes each on first use, in either order.
import { installed } from './webhook-base64-shim.mjs';
import bytes from './autosend_wasm_webhook_bg.wasm' with { type: 'bytes' };

if (installed) delete Uint8Array.fromBase64;
export default bytes;

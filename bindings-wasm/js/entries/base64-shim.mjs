// esbuild turns `import … with { type: 'bytes' }` into `Uint8Array.fromBase64("…")` unless the
// build targets an older runtime; Node before 25 lacks that function. Installed only while the
// wasm bytes are decoded (wasm-bytes.mjs removes it again), only where it is missing.
export const installed = typeof Uint8Array.fromBase64 !== 'function';
if (installed) {
  const decode = (s) =>
    typeof globalThis.Buffer === 'function'
      ? new Uint8Array(globalThis.Buffer.from(s, 'base64'))
      : Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  Object.defineProperty(Uint8Array, 'fromBase64', { value: decode, writable: true, configurable: true });
}

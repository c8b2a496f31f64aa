// The browser entries' wasm loading (autosend-sdk and autosend-sdk/webhook), shared.
//
// `browserWasm(urlOf)` fetches and compiles the wasm at `urlOf()` and resolves to a function
// that returns the WebAssembly.Module. In workerd (Cloudflare Workers), which refuses fetch at
// start-up and compiling wasm from bytes, it fetches nothing: the returned function throws an
// error naming the fix, so a Worker bundled without the "workerd" condition still starts.
const IN_WORKERD = globalThis.navigator?.userAgent === 'Cloudflare-Workers';

export async function browserWasm(urlOf) {
  if (IN_WORKERD) {
    return () => {
      const err = new Error(
        'autosend-sdk: this Worker was bundled with the package\'s browser entry, which cannot load ' +
          'WebAssembly in Cloudflare Workers/workerd (no fetch at start-up, no compiling from bytes). ' +
          'Bundle with the "workerd" condition (wrangler does; esbuild: --conditions=workerd,worker,browser), ' +
          'so the .wasm is imported as a module.',
      );
      err.name = 'AutoSendLoadError';
      throw err;
    };
  }
  const url = urlOf();
  const module = await compile(url);
  return () => module;
}

async function compile(url) {
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

// Writes the per-runtime ESM entry points of both subpaths of the package, `autosend-sdk`
// (deno.mjs, bun.mjs, workerd.mjs, browser.mjs) and `autosend-sdk/webhook` (webhook-deno.mjs,
// …), into PKG/esm: the loader lines of each runtime are written once here, for both wasm
// files. The Node entries (index.cjs, webhook-index.cjs, the ESM twins) and the bundler byte
// imports (wasm-bytes.*) stay in js/entries and webhook/js/entries.
// Usage: node js/gen-entries.mjs PKG_DIR
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const [pkg] = process.argv.slice(2);

// How each runtime gets a compiled WebAssembly.Module of WASM: `head` runs at import, `module`
// is the expression that yields the module on first use (the instance is made then).
const RUNTIMES = {
  deno: {
    about: 'Deno (and any runtime whose fetch reads file: URLs): the wasm read next to this file at import, compiled on first use.',
    imports: () => [],
    head: (wasm) => [`const bytes = await (await fetch(new URL('./${wasm}', import.meta.url))).arrayBuffer();`],
    module: 'new WebAssembly.Module(bytes)',
  },
  bun: {
    about: 'Bun: the wasm read with Bun.file at import, compiled on first use.',
    imports: () => [],
    head: (wasm) => [`const bytes = await globalThis.Bun.file(new URL('./${wasm}', import.meta.url)).arrayBuffer();`],
    module: 'new WebAssembly.Module(bytes)',
  },
  workerd: {
    about:
      'Cloudflare Workers / workerd: the .wasm imported as a WebAssembly.Module (bundlers such as wrangler keep it as a separate wasm module).',
    imports: (wasm) => [`import module from './${wasm}';`],
    head: () => [],
    module: 'module',
  },
  browser: {
    about:
      'Browsers and web workers, through a bundler (Vite, webpack 5) or a plain <script type=module>: ' +
      '`new URL(…, import.meta.url)` is the pattern bundlers follow to emit the .wasm as an asset; it is fetched and ' +
      'compiled in the background at import. Cloudflare Workers / workerd bundled without the "workerd" condition also ' +
      'end up here: nothing is loaded at import (the Worker starts) and the first use throws an error that says how to ' +
      'bundle (browser-loader.mjs).',
    imports: () => [`import { browserWasm } from './browser-loader.mjs';`],
    head: (wasm) => [`const module = await browserWasm(() => new URL('./${wasm}', import.meta.url));`],
    module: 'module()',
  },
};

// The two subpaths: their glue, wasm file, how the loader is handed over, what they export.
const WEBHOOK_ERRORS = ['AutoSendError', 'WebhookVerificationError', 'WebhookSignatureError', 'WebhookTimestampError', 'WebhookMalformedError'];
const SUBPATHS = [
  {
    file: (rt) => `${rt}.mjs`,
    what: 'autosend-sdk',
    glue: './autosend_wasm.js',
    wasm: 'autosend_wasm_bg.wasm',
    imports: [`import { _setWasmLoader } from './sdk.mjs';`],
    set: (init) => [`_setWasmLoader(() => {`, `  ${init}`, `  return glue;`, `});`],
    exports: [`export * from './sdk.mjs';`, `export { default } from './sdk.mjs';`],
  },
  {
    file: (rt) => `webhook-${rt}.mjs`,
    what: 'autosend-sdk/webhook (the core\'s webhook module alone, a small wasm; the error classes are the main entry\'s)',
    glue: './autosend_wasm_webhook.js',
    wasm: 'autosend_wasm_webhook_bg.wasm',
    imports: [`import { errorFromJson } from './sdk.mjs';`, `import { _setWebhookWasm } from './webhook.mjs';`],
    set: (init) => [`_setWebhookWasm(() => {`, `  ${init}`, `  return glue;`, `}, errorFromJson);`],
    exports: [
      `export { verifyWebhook, webhookReplayKey, WebhookReplayGuard } from './webhook.mjs';`,
      `export { ${WEBHOOK_ERRORS.join(', ')} } from './sdk.mjs';`,
    ],
  },
];

const wrap = (text) => {
  const lines = [];
  let line = '//';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 96) {
      lines.push(line);
      line = '//';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
};

for (const sub of SUBPATHS) {
  for (const [rt, r] of Object.entries(RUNTIMES)) {
    const init = r.module === 'module' ? 'glue.initSync({ module });' : `glue.initSync({ module: ${r.module} });`;
    const lines = [
      '// GENERATED at build time by js/gen-entries.mjs. Do not edit.',
      ...wrap(`${sub.what} in ${r.about}`),
      ...r.imports(sub.wasm),
      `import * as glue from '${sub.glue}';`,
      ...sub.imports,
      '',
      ...r.head(sub.wasm),
      ...sub.set(init),
      ...sub.exports,
      `export const runtimeEntry = '${rt}';`,
      '',
    ];
    writeFileSync(path.join(pkg, 'esm', sub.file(rt)), lines.join('\n'));
  }
}

// The errors the JS side reports without asking the core (issue 15 cleanup): a trapped wasm
// instance cannot be asked, so their code, kind, category and hint come from a table that the
// build writes from the core (js/gen-boundary-errors.mjs), not from text in sdk.mjs or
// webhook.mjs. A trap and an unreadable thrown value are simulated with a stand-in instance
// in fresh module instances of esm/sdk.mjs and esm/webhook.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PKG_DIR, sdk } from './pkg.mjs';

const url = (...p) => pathToFileURL(path.join(PKG_DIR, ...p)).href;
const { BOUNDARY_ERRORS } = await import(url('esm', 'boundary-errors.mjs'));
const kinds = new Map(sdk.errorKinds().map((k) => [k.code, k]));

// A fresh instance of the ESM client module (not the one the Node entry loaded).
let n = 0;
const fresh = (file) => import(`${url('esm', file)}?fresh=${++n}`);
const trap = () => {
  throw new WebAssembly.RuntimeError('unreachable');
};

test('the table is the core\'s: code, kind, category and hint as errorKinds() says', () => {
  for (const [name, code] of [['notLoaded', 900], ['unreadable', 900], ['trap', 901]]) {
    const e = BOUNDARY_ERRORS[name];
    const k = kinds.get(code);
    assert.equal(e.code, code, name);
    assert.equal(e.kind, k.name, name);
    assert.equal(e.category, k.category, name);
    assert.equal(e.hint, k.hint, name);
    assert.ok(e.display.includes(e.message) && e.display.includes(k.hint), name);
  }
});

test('a trap of the instance is a PanicError with the core\'s 901 hint', async () => {
  const m = await fresh('sdk.mjs');
  m._setWasmLoader(() => ({}));
  const e = m._lowLevel().fromThrown(new WebAssembly.RuntimeError('unreachable'));
  assert.ok(e instanceof m.PanicError, e.name);
  assert.equal(e.code, 901);
  assert.equal(e.hint, kinds.get(901).hint);
  assert.match(e.message, /stopped unexpectedly/);
});

test('a thrown string that is not the core\'s error JSON is an InternalError (900)', async () => {
  const m = await fresh('sdk.mjs');
  m._setWasmLoader(() => ({}));
  const e = m._lowLevel().fromThrown('not json');
  assert.ok(e instanceof m.InternalError && e.code === 900 && e.hint === kinds.get(900).hint, String(e));
});

test('the client module used without its entry point says so (900, the core\'s hint)', async () => {
  const m = await fresh('sdk.mjs');
  assert.throws(() => m._lowLevel(), (e) => e instanceof m.InternalError && e.code === 900 && /not loaded/.test(e.message));
});

test('autosend-sdk/webhook: a trap is the main entry\'s PanicError (901)', async () => {
  const w = await fresh('webhook.mjs');
  let entered = 0;
  w._setWebhookWasm(() => ({ verifyWebhook: () => { entered += 1; trap(); } }), sdk.errorFromJson);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => w.verifyWebhook('{}', {}, 'whsec_x'), (e) => e instanceof sdk.PanicError && e.code === 901 && e.hint === kinds.get(901).hint);
  }
  assert.equal(entered, 1, 'the stopped instance was entered again');
});

test('after a trap no call goes into the stopped instance: each throws the same PanicError', async () => {
  const m = await fresh('sdk.mjs');
  let entered = 0;
  class WasmClient {
    constructor() {
      entered += 1;
      throw new WebAssembly.RuntimeError('unreachable');
    }
  }
  // The real module, except that constructing a client traps.
  const real = sdk._lowLevel().wasm;
  m._setWasmLoader(() => new Proxy(real, { get: (t, k) => (k === 'WasmClient' ? WasmClient : t[k]) }));
  const build = () => new m.AutoSend({ apiKey: 'AS_' + 'x'.repeat(20) });
  for (let i = 0; i < 3; i++) {
    assert.throws(build, (e) => e instanceof m.PanicError && e.code === 901 && e.hint === kinds.get(901).hint);
  }
  assert.equal(entered, 1, 'the instance was entered again after it trapped');
});

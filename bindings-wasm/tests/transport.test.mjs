// The fetch loop without a server: classification of fetch rejections, no double send,
// timers for waits, the error-class hierarchy and import-time hygiene.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sdk, PKG_DIR } from './pkg.mjs';

const {
  AutoSend, AutoSendError, ConnectionError, ConnectionLostError, ServerError, ApiError,
  AbortedError, TransportError, classifyFetchError, errorKinds, endpoints,
} = sdk;
const MAIL = { from: { email: 'a@example.com' }, to: { email: 'b@example.com' }, subject: 's', html: 'h' };

function refusing(calls) {
  return async () => {
    calls.n++;
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  };
}
function ambiguous(calls) {
  return async () => {
    calls.n++;
    throw new TypeError('fetch failed');
  };
}

test('classifyFetchError: only proof of no connection is "connect"', () => {
  assert.equal(classifyFetchError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })), 'connect');
  assert.equal(classifyFetchError(Object.assign(new Error('x'), { code: 'ConnectionRefused' })), 'connect');
  assert.equal(classifyFetchError(new TypeError('error sending request: client error (Connect): tcp connect error')), 'connect');
  assert.equal(classifyFetchError(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })), 'connection_lost');
  assert.equal(classifyFetchError(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })), 'connection_lost');
  assert.equal(classifyFetchError(new TypeError('Network connection lost.')), 'connection_lost');
});

test('an ambiguous network TypeError on emails.send is never re-sent and says mayHaveBeenDelivered', async () => {
  const calls = { n: 0 };
  const c = new AutoSend('AS_transport1', { fetch: ambiguous(calls), maxRetries: 3, _privateLimiter: true });
  const err = await c.emails.send(MAIL).catch((e) => e);
  assert.ok(err instanceof ConnectionLostError, String(err));
  assert.equal(err.mayHaveBeenDelivered, true);
  assert.equal(calls.n, 1, 'sent once');
});

test('a refused connection is retried even for emails.send (nothing was sent)', async () => {
  const calls = { n: 0 };
  const c = new AutoSend('AS_transport2', { fetch: refusing(calls), maxRetries: 1, _privateLimiter: true });
  const err = await c.emails.send(MAIL).catch((e) => e);
  assert.ok(err instanceof ConnectionError && !(err instanceof ConnectionLostError), String(err));
  assert.equal(err.mayHaveBeenDelivered, false);
  assert.equal(calls.n, 2);
});

test('an idempotent call retries ambiguous failures', async () => {
  const calls = { n: 0 };
  const fetch = async (url, init) => {
    calls.n++;
    if (calls.n < 3) throw new TypeError('fetch failed');
    return new Response(JSON.stringify({ success: true, data: { id: 'c1' } }), { status: 200 });
  };
  const c = new AutoSend('AS_transport3', { fetch, maxRetries: 3, _privateLimiter: true });
  assert.deepEqual(await c.contacts.get({ id: 'c1' }), { id: 'c1' });
  assert.equal(calls.n, 3);
});

test('a 500 on emails.send is not retried; it is a ServerError with mayHaveBeenDelivered', async () => {
  let n = 0;
  const fetch = async () => {
    n++;
    return new Response('{"success":false,"error":{"message":"boom"}}', { status: 500, headers: { 'x-request-id': 'r9' } });
  };
  const c = new AutoSend('AS_transport4', { fetch, _privateLimiter: true });
  const err = await c.emails.send(MAIL).catch((e) => e);
  assert.ok(err instanceof ServerError && err instanceof ApiError && err instanceof AutoSendError);
  assert.equal(err.status, 500);
  assert.equal(err.requestId, 'r9');
  assert.equal(err.mayHaveBeenDelivered, true);
  assert.equal(n, 1);
});

test('the request goes out as the core built it (headers, JSON body, no redirects followed)', async () => {
  let seen;
  const fetch = async (url, init) => {
    seen = { url, init };
    return new Response('{"success":true,"data":{"emailId":"e1"}}', { status: 200 });
  };
  const c = new AutoSend('AS_transport5', { fetch, _privateLimiter: true });
  await c.emails.send(MAIL);
  assert.equal(seen.url, 'https://api.autosend.com/v1/mails/send');
  assert.equal(seen.init.method, 'POST');
  assert.equal(seen.init.redirect, 'manual');
  assert.equal(seen.init.headers.authorization, 'Bearer AS_transport5');
  assert.ok(seen.init.signal instanceof AbortSignal);
  assert.deepEqual(JSON.parse(seen.init.body), MAIL);
});

test('every error kind of the core maps to an AutoSendError subclass with its code', () => {
  for (const k of errorKinds()) {
    const e = sdk.errorFromJson({ code: k.code, kind: k.name, category: k.category, message: 'm', hint: k.hint });
    assert.ok(e instanceof AutoSendError);
    assert.notEqual(e.constructor, AutoSendError, `${k.name} has its own class`);
    assert.equal(e.code, k.code);
    assert.equal(e.name, e.constructor.name);
  }
});

test('namespaces come from the catalog', () => {
  const c = new AutoSend('AS_transport6');
  for (const ep of endpoints()) assert.equal(typeof c[ep.namespace][ep.name], 'function', ep.id);
  assert.equal(endpoints().length, 93);
});

test('ESM entry files use no process, fs or Buffer at import time', () => {
  for (const f of ['esm/sdk.mjs', 'esm/browser.mjs', 'esm/deno.mjs', 'esm/bun.mjs', 'esm/workerd.mjs', 'esm/autosend_wasm.js']) {
    const src = readFileSync(path.join(PKG_DIR, f), 'utf8');
    assert.ok(!/\bBuffer\s*[.(]/.test(src), `${f}: Buffer`);
    assert.ok(!/require\(|node:fs|from 'fs'/.test(src), `${f}: fs`);
    const outsideFunctions = src.split('\n').filter((l) => /^\S/.test(l) && !/^\s*(\/\/|\*)/.test(l) && /\bprocess\b/.test(l));
    assert.deepEqual(outsideFunctions, [], `${f}: top-level process use`);
  }
  const cjs = readFileSync(path.join(PKG_DIR, 'cjs/index.cjs'), 'utf8');
  assert.ok(/_setWasmLoader\(\(\) => require/.test(cjs), 'node wasm is loaded lazily');
});

test('the README quickstart is examples/quickstart.mjs verbatim', () => {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const readme = readFileSync(path.join(here, '..', 'README.md'), 'utf8');
  const quick = readFileSync(path.join(here, '..', 'examples', 'quickstart.mjs'), 'utf8');
  const block = readme.split('## Quickstart')[1].split('```js\n')[1].split('```')[0];
  assert.equal(block.trim(), quick.trim());
});

// A fetch that never answers: it rejects only when its signal is aborted.
function hanging(calls) {
  return (url, init) => {
    calls.n++;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  };
}
function abortAfter(ms, reason) {
  const ac = new AbortController();
  setTimeout(() => ac.abort(reason), ms);
  return ac.signal;
}
function assertAborted(err, reason) {
  assert.ok(err instanceof AbortedError && err instanceof TransportError && err instanceof AutoSendError, String(err));
  assert.equal(err.name, 'AbortedError');
  assert.equal(err.kind, 'aborted');
  assert.equal(err.code, 304);
  if (reason !== undefined) assert.equal(err.cause, reason);
  else assert.equal(err.cause?.name, 'AbortError');
}

test('abort in flight on emails.send: AbortedError with mayHaveBeenDelivered, cause = the reason, not retried', async () => {
  const calls = { n: 0 };
  const c = new AutoSend('AS_abort1', { fetch: hanging(calls), maxRetries: 3, retryNonIdempotent: true, _privateLimiter: true });
  const reason = new Error('user gave up');
  const err = await c.emails.send(MAIL, { signal: abortAfter(50, reason) }).catch((e) => e);
  assertAborted(err, reason);
  assert.equal(err.mayHaveBeenDelivered, true);
  assert.match(err.message, /may have been delivered/);
  assert.equal(calls.n, 1, 'never retried after a caller abort');
});

test('a caller AbortSignal cancels an attempt of contacts.get without retrying (mayHaveBeenDelivered false)', async () => {
  const calls = { n: 0 };
  const c = new AutoSend('AS_transport7', { fetch: hanging(calls), maxRetries: 3, _privateLimiter: true });
  const err = await c.contacts.get({ id: 'x' }, { signal: abortAfter(50) }).catch((e) => e);
  assertAborted(err);
  assert.equal(err.mayHaveBeenDelivered, false);
  assert.equal(calls.n, 1);
});

test('abort during a wait (429 Retry-After) on emails.send: mayHaveBeenDelivered false, fetch called once', async () => {
  let n = 0;
  const fetch = async () => {
    n++;
    return new Response('{"success":false,"error":{"message":"slow down"}}', { status: 429, headers: { 'retry-after': '5' } });
  };
  const c = new AutoSend('AS_abort2', { fetch, maxRetries: 3, _privateLimiter: true });
  const t0 = Date.now();
  const err = await c.emails.send(MAIL, { signal: abortAfter(100) }).catch((e) => e);
  assertAborted(err);
  assert.equal(err.mayHaveBeenDelivered, false);
  assert.equal(n, 1);
  assert.ok(Date.now() - t0 < 2000, 'the wait was cut short');
});

test('abort before the first attempt: mayHaveBeenDelivered false, fetch never called', async () => {
  const calls = { n: 0 };
  const c = new AutoSend('AS_abort3', { fetch: hanging(calls), _privateLimiter: true });
  const ac = new AbortController();
  ac.abort();
  const err = await c.emails.send(MAIL, { signal: ac.signal }).catch((e) => e);
  assertAborted(err);
  assert.equal(err.mayHaveBeenDelivered, false);
  assert.equal(calls.n, 0);
});

test('abort during the backoff after an ambiguous send attempt (retryNonIdempotent): mayHaveBeenDelivered true', async () => {
  let n = 0;
  const ac = new AbortController();
  const fetch = async () => {
    n++;
    queueMicrotask(() => ac.abort()); // after the 503 is read, before the backoff ends
    return new Response('{"success":false,"error":{"message":"boom"}}', { status: 503 });
  };
  const c = new AutoSend('AS_abort4', { fetch, maxRetries: 5, retryNonIdempotent: true, _privateLimiter: true });
  const err = await c.emails.send(MAIL, { signal: ac.signal }).catch((e) => e);
  assertAborted(err);
  assert.match(err.message, /before the next attempt/);
  assert.equal(err.mayHaveBeenDelivered, true);
  assert.equal(n, 1);
});

test('NaN or Infinity in params is a local ValidationError naming the field; nothing is sent', async () => {
  let n = 0;
  const fetch = async () => {
    n++;
    return new Response('{"success":true,"data":{"emailId":"e1"}}', { status: 200 });
  };
  const c = new AutoSend('AS_nan1', { fetch, _privateLimiter: true });
  const cases = [
    [{ ...MAIL, dynamicData: { a: NaN } }, 'dynamicData.a'],
    [{ ...MAIL, dynamicData: { a: { b: [1, Infinity] } } }, 'dynamicData.a.b[1]'],
    [{ ...MAIL, dynamicData: { n: -Infinity } }, 'dynamicData.n'],
    [{ ...MAIL, dynamicData: { boxed: new Number(NaN) } }, 'dynamicData.boxed'],
  ];
  for (const [params, field] of cases) {
    const err = await c.emails.send(params).catch((e) => e);
    assert.ok(err instanceof sdk.ValidationError && err instanceof sdk.UsageError, String(err));
    assert.equal(err.code, 105);
    assert.equal(err.kind, 'validation');
    assert.equal(err.field, field);
    assert.match(err.message, /NaN and Infinity cannot be sent as JSON/);
    assert.ok(err.hint.length > 0, 'the core hint');
  }
  const err = await c.contacts.bulkUpdate({ contacts: [{ email: 'a@example.com', customFields: { score: NaN } }] }).catch((e) => e);
  assert.equal(err.field, 'contacts[0].customFields.score');
  assert.equal(n, 0, 'nothing was sent');
  // Finite numbers still go out untouched.
  await c.emails.send({ ...MAIL, dynamicData: { a: 1.5, b: -0, c: 1e300 } });
  assert.equal(n, 1);
});

test('timeout/deadline/maxRetries/rateLimits: NaN, Infinity, negative or beyond MAX_SAFE_INTEGER is InvalidConfigError (107)', () => {
  const bad = [
    { timeout: NaN }, { timeout: Infinity }, { timeout: -1 }, { timeout: 2 ** 53 },
    { deadline: NaN }, { deadline: -Infinity }, { deadline: 1e30 }, { deadline: -5 },
    { maxRetries: NaN }, { maxRetries: Infinity }, { maxRetries: -1 }, { maxRetries: 1e20 },
    { rateLimits: { perSecond: NaN } }, { rateLimits: { perMinute: Infinity } },
    { rateLimits: { perSecond: -2 } }, { rateLimits: { perMinute: 1e30 } }, { rateLimits: 5 },
  ];
  for (const opts of bad) {
    assert.throws(
      () => new AutoSend('AS_nan2', opts),
      (e) => e instanceof sdk.InvalidConfigError && e.code === 107 && e.kind === 'invalid_config',
      JSON.stringify(opts, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
    );
  }
  const e = (() => { try { new AutoSend('AS_nan2', { timeout: NaN }); } catch (x) { return x; } })();
  assert.match(e.message, /timeout is NaN: NaN and Infinity cannot be sent as JSON/);
  // Limits that are fine still work.
  new AutoSend('AS_nan2', { timeout: 1, deadline: Number.MAX_SAFE_INTEGER, maxRetries: 0, rateLimits: { perSecond: 5, perMinute: 100 } });
});

test('a non-string API key is InvalidApiKeyError (100), not "no API key"', () => {
  for (const key of [Symbol('k'), 123, 12n, () => 'AS_x', true]) {
    assert.throws(
      () => new AutoSend(key),
      (e) => e instanceof sdk.InvalidApiKeyError && e.code === 100 && /must be a string/.test(e.message),
      typeof key,
    );
  }
  assert.throws(() => new AutoSend({ apiKey: Symbol('k') }), (e) => e instanceof sdk.InvalidApiKeyError && e.code === 100);
  const c = new AutoSend('AS_nan3');
  assert.throws(() => c.setApiKey(Symbol('k')), (e) => e instanceof sdk.InvalidApiKeyError && e.code === 100);
  assert.throws(() => c.setApiKey(42), (e) => e instanceof sdk.InvalidApiKeyError && e.code === 100);
});

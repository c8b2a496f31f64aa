// Issue 15 items 5 and 6: call events through onEvent / logger / AUTOSEND_LOG, the request id
// of a success, appInfo in the User-Agent the core builds, and no key in any event (canary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './pkg.mjs';
import { info, skip, admin, newKey, messages, mail } from './sandbox.mjs';

const { AutoSend, AutoSendError } = sdk;
const base = info?.url;

test('onEvent and logger see request, response, retry and done; never the key', { skip }, async () => {
  const key = await newKey();
  const seen = [];
  const lines = [];
  const logger = { debug: (m, e) => lines.push(['debug', m, e]), info: (m, e) => lines.push(['info', m, e]) };
  const c = new AutoSend(key, {
    baseUrl: base,
    onEvent: (e) => seen.push(e),
    logger,
    appInfo: { name: 'JsEvents', version: '4.2', url: 'https://example.com/js' },
  });
  const created = await c.contacts.create({ email: `ev${Date.now()}@example.com` });
  await admin('POST', '/_sandbox/faults', { path: `/v1/contacts/${created.id}`, fault: { status: 503 } });
  seen.length = 0;
  lines.length = 0;
  const got = await c.contacts.get({ id: created.id });
  assert.deepEqual(seen.map((e) => e.kind), ['request', 'response', 'retry', 'request', 'response', 'done']);
  assert.equal(seen[0].method, 'GET');
  assert.ok(seen[0].path.endsWith(`/contacts/${created.id}`));
  assert.equal(seen[1].status, 503);
  assert.equal(seen[2].reason, 'server');
  assert.equal(typeof seen[2].waitMs, 'number');
  assert.equal(seen[5].ok, true);
  assert.equal(seen[5].requestId, got.lastResponse.requestId);
  assert.ok(got.lastResponse.requestId, 'the request id of a success');
  assert.deepEqual(lines.map((l) => l[0]), ['debug', 'debug', 'info', 'debug', 'debug', 'debug']);
  assert.match(lines[2][1], /^autosend: contacts\.get GET .* retrying in \d+ ms after server/);
  const text = JSON.stringify([seen, lines]);
  assert.ok(!text.includes(key) && !text.includes(key.slice(3)), 'an event holds the key');
  const subject = `ua ${Date.now()}`;
  await c.emails.send(mail(subject));
  const m = (await messages()).find((x) => x.subject === subject);
  assert.match(m.userAgent, /^autosend\/\S+ js\/\S+ \((node|deno|bun)\/[^)]+\) JsEvents\/4\.2 \(\+https:\/\/example\.com\/js\)$/);
});

test('AUTOSEND_LOG=info logs only info events to the console; unset logs nothing', { skip }, async () => {
  const key = await newKey();
  const old = { info: console.info, debug: console.debug };
  const out = [];
  console.info = (...a) => out.push(['info', ...a]);
  console.debug = (...a) => out.push(['debug', ...a]);
  const prev = process.env.AUTOSEND_LOG;
  try {
    process.env.AUTOSEND_LOG = 'info';
    const c = new AutoSend(key, { baseUrl: base });
    await c.emails.send(mail(`log ${Date.now()}`));
    assert.deepEqual(out, [], 'a successful call has no info event');
    const bad = new AutoSend(key, { baseUrl: 'https://127.0.0.1:9/v1', maxRetries: 0 });
    await assert.rejects(bad.emails.send(mail('x')));
    assert.deepEqual(out.map((o) => o[0]), ['info', 'info']);
    assert.match(out[0][1], /connect/);
    delete process.env.AUTOSEND_LOG;
    out.length = 0;
    await new AutoSend(key, { baseUrl: base }).emails.send(mail(`quiet ${Date.now()}`));
    assert.deepEqual(out, []);
  } finally {
    Object.assign(console, old);
    if (prev === undefined) delete process.env.AUTOSEND_LOG;
    else process.env.AUTOSEND_LOG = prev;
  }
});

test('a bad appInfo or onEvent is an invalid_config error naming the option', () => {
  assert.throws(() => new AutoSend('AS_abc123', { appInfo: { name: 'My Shop' } }), (e) =>
    e instanceof AutoSendError && e.kind === 'invalid_config' && e.field === 'appInfo.name');
  assert.throws(() => new AutoSend('AS_abc123', { appInfo: { name: 'a', colour: 1 } }), (e) =>
    e.field === 'appInfo.colour');
  assert.throws(() => new AutoSend('AS_abc123', { onEvent: 'log' }), (e) => e.kind === 'invalid_config' && /onEvent/.test(e.message));
});

test('per-request timeout and maxRetries override the client', { skip }, async () => {
  const seen = [];
  const c = new AutoSend(await newKey(), { baseUrl: base, onEvent: (e) => seen.push(e) });
  const created = await c.contacts.create({ email: `pr${Date.now()}@example.com` });
  await admin('POST', '/_sandbox/faults', { path: `/v1/contacts/${created.id}`, fault: { status: 503 } });
  seen.length = 0;
  await assert.rejects(c.contacts.get({ id: created.id }, { maxRetries: 0 }), (e) => e.status === 503);
  assert.deepEqual(seen.map((e) => e.kind), ['request', 'response', 'done']);
  await admin('POST', '/_sandbox/faults', { path: '/v1/mails/send', times: 1, fault: { latency_ms: 1500 } });
  await assert.rejects(c.emails.send(mail('slow'), { timeout: 300 }), (e) => e.kind === 'timeout');
  await assert.rejects(c.emails.send(mail('x'), { maxRetries: 101 }), (e) => e.kind === 'invalid_config');
  await assert.rejects(c.emails.send(mail('x'), { timeout: 1.5 }), (e) => e.kind === 'invalid_config');
});

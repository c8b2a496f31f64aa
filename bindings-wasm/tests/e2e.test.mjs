// End to end against the local sandbox over HTTPS (its CA trusted via NODE_EXTRA_CA_CERTS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import net from 'node:net';
import { sdk } from './pkg.mjs';
import { info, skip, admin, newKey, stats, messages, mail } from './sandbox.mjs';

const {
  AutoSend, AutoSendError, ApiError, AuthenticationError, RateLimitError, ConnectionError,
  ConnectionLostError, TimeoutError, TransportError, ApiValidationError, NotFoundError,
  KeyScopeError, ValidationError,
} = sdk;
const base = info?.url;
const opts = (extra = {}) => ({ baseUrl: base, ...extra });

test('emails.send delivers one mail and emails.status reads it back', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  const subject = `e2e send ${Date.now()}`;
  const data = await c.emails.send(mail(subject));
  assert.equal(typeof data.emailId, 'string');
  const got = (await messages()).filter((m) => m.subject === subject);
  assert.equal(got.length, 1);
  assert.match(got[0].userAgent, /^autosend\/.* js\//);
  const status = await c.emails.status({ id: data.emailId });
  assert.equal(status.id, data.emailId);
});

test('emails.bulk sends to every recipient', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  const data = await c.emails.bulk({
    from: { email: 'hello@mail.example.com' },
    subject: 'bulk',
    html: '<p>hi {{name}}</p>',
    recipients: [{ email: 'a1@example.com', name: 'A' }, { email: 'b2@example.com' }],
  });
  assert.equal(data.totalRecipients, 2);
  assert.equal(data.successCount, 2);
});

test('contacts: create, get, upsert, search, groups, bulk update, remove, delete', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  const email = `grace${Date.now()}@example.com`;
  const created = await c.contacts.create({ email, firstName: 'Grace', userId: `u${Date.now()}` });
  assert.equal(created.email, email);
  const got = await c.contacts.get({ id: created.id });
  assert.equal(got.id, created.id);
  const up = await c.contacts.upsert({ email, lastName: 'Hopper' });
  assert.equal(up.lastName, 'Hopper');
  const found = await c.contacts.searchByEmails({ emails: [email] });
  assert.ok(JSON.stringify(found).includes(email));
  await c.contacts.unsubscribeGroups({ id: created.id });
  const bulk = await c.contacts.bulkUpdate({ contacts: [{ email: `x${Date.now()}@example.com` }, { email }] });
  assert.ok(bulk);
  await c.contacts.remove({ emails: [`x${Date.now()}@example.com`] }).catch((e) => {
    if (!(e instanceof NotFoundError)) throw e;
  });
  const del = await c.contacts.deleteByUserId({ userId: created.userId ?? 'none' }).catch((e) => e);
  assert.ok(!(del instanceof Error) || del instanceof NotFoundError, String(del));
  const gone = await c.contacts.get({ id: created.id }).catch((e) => e);
  if (!(gone instanceof NotFoundError)) await c.contacts.delete({ id: created.id });
  await assert.rejects(c.contacts.get({ id: created.id }), NotFoundError);
  await assert.rejects(c.contacts.create({ email: 'not-an-email' }), ValidationError);
});

test('projects with an account key: create, list, get, delete', { skip }, async () => {
  const key = await newKey('account');
  const c = new AutoSend(key, opts({ projectId: info.projects[0].id }));
  const p = await c.projects.create({ name: `e2e ${Date.now()}` });
  assert.equal(typeof p.id, 'string');
  const list = await c.projects.list();
  assert.ok(JSON.stringify(list).includes(p.id));
  const got = await c.projects.get({ projectId: p.id });
  assert.equal(got.id, p.id);
  await c.projects.delete({ projectId: p.id });
  await assert.rejects(c.projects.get({ projectId: p.id }), NotFoundError);
  const projectKeyClient = new AutoSend(await newKey(), opts());
  await assert.rejects(projectKeyClient.projects.list(), KeyScopeError);
});

test('a revoked key gets a 401 AuthenticationError, and setApiKey recovers', { skip }, async () => {
  const key = await newKey();
  await admin('POST', '/_sandbox/keys/revoke', { key });
  const c = new AutoSend(key, opts());
  const err = await c.emails.send(mail('revoked')).catch((e) => e);
  assert.ok(err instanceof AuthenticationError && err instanceof ApiError && err instanceof AutoSendError);
  assert.equal(err.code, 201);
  assert.equal(err.status, 401);
  assert.equal(typeof err.requestId, 'string');
  assert.equal(err.mayHaveBeenDelivered, false);
  const secret = key.slice(3);
  for (const s of [err.message, err.stack, JSON.stringify(err), util.inspect(err)]) assert.ok(!s.includes(secret));
  c.setApiKey(await newKey());
  const ok = await c.emails.send(mail('rotated'));
  assert.equal(typeof ok.emailId, 'string');
});

test('a 429 is waited out and retried (Retry-After honoured); without retries it is a RateLimitError', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  await admin('POST', '/_sandbox/faults', { path: '/v1/mails/send', fault: { rate_limit_burst: 1, retry_after: 1 } });
  const t0 = performance.now();
  const data = await c.emails.send(mail('after 429'));
  assert.equal(typeof data.emailId, 'string');
  assert.ok(performance.now() - t0 >= 950, 'waited the 1 s retryAfter');

  const c0 = new AutoSend(await newKey(), opts({ maxRetries: 0 }));
  await admin('POST', '/_sandbox/faults', { path: '/v1/mails/send', fault: { rate_limit_burst: 1, retry_after: 2 } });
  const err = await c0.emails.send(mail('429 no retry')).catch((e) => e);
  assert.ok(err instanceof RateLimitError, String(err));
  assert.equal(err.status, 429);
  assert.equal(err.retryAfter, 2000);
  assert.equal(err.mayHaveBeenDelivered, false);
});

test('reset after processing: send surfaces mayHaveBeenDelivered, never re-sent, exactly one delivery', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  const subject = `reset-after ${Date.now()}`;
  const before = await stats();
  await admin('POST', '/_sandbox/faults', { path: '/v1/mails/send', fault: { reset: 'after' } });
  const err = await c.emails.send(mail(subject)).catch((e) => e);
  assert.ok(err instanceof ConnectionLostError && err instanceof TransportError, String(err));
  assert.equal(err.kind, 'connection_lost');
  assert.equal(err.mayHaveBeenDelivered, true);
  const after = await stats();
  assert.equal((after.processed['emails.send'] ?? 0) - (before.processed['emails.send'] ?? 0), 1, 'processed once');
  assert.equal(after.requests_received - before.requests_received, 1, 'one request, no retry');
  assert.equal((await messages()).filter((m) => m.subject === subject).length, 1, 'exactly one delivery');
});

test('reset after processing on an idempotent call is retried transparently', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  const sent = await c.emails.send(mail('status target'));
  await admin('POST', '/_sandbox/faults', { path: `/v1/mails/${sent.emailId}/status`, fault: { reset: 'after' } });
  const s = await c.emails.status({ id: sent.emailId });
  assert.equal(s.id, sent.emailId);
});

test('per-attempt timeout through AbortSignal: TimeoutError, send flagged mayHaveBeenDelivered', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts({ timeout: 300, maxRetries: 0 }));
  await admin('POST', '/_sandbox/faults', { path: '/v1/mails/send', fault: { latency_ms: 1500 } });
  const t0 = performance.now();
  const err = await c.emails.send(mail('slow')).catch((e) => e);
  assert.ok(err instanceof TimeoutError, String(err));
  assert.equal(err.mayHaveBeenDelivered, true);
  assert.ok(performance.now() - t0 < 1400, 'aborted at the timeout');
});

test('nothing listening: ConnectionError (connect), retried, nothing delivered', { skip }, async () => {
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const c = new AutoSend(await newKey(), { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
  const err = await c.emails.send(mail('nowhere')).catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.equal(err.kind, 'connect');
  assert.equal(err.mayHaveBeenDelivered, false);
});

test('server validation errors come back as ApiValidationError with details', { skip }, async () => {
  const c = new AutoSend(await newKey(), opts());
  await admin('POST', '/_sandbox/faults', {
    path: '/v1/mails/send',
    fault: { status: 400, body: { success: false, error: [{ message: 'bad domain', path: 'from.email' }] } },
  });
  const err = await c.emails.send(mail('server says no')).catch((e) => e);
  assert.ok(err instanceof ApiValidationError, String(err));
  assert.deepEqual(err.details, [{ field: 'from.email', message: 'bad domain' }]);
  assert.equal(err.field, 'from.email');
});

test('clients with the same key share one rate-limit budget (2/s)', { skip }, async () => {
  const key = await newKey();
  const a = new AutoSend(key, opts());
  const b = new AutoSend(key, opts());
  const t0 = performance.now();
  await Promise.all([a, b, a, b].map((c, i) => c.emails.send(mail(`shared ${i}`))));
  assert.ok(performance.now() - t0 >= 950, 'the third send waited for the 1 s window');
});

test('the key never shows: console.log, util.inspect, JSON.stringify, errors', { skip }, async () => {
  const canary = 'AS_CanaryCanary0123456789SECRET';
  await admin('POST', '/_sandbox/keys', { key: canary }).catch(() => {});
  const c = new AutoSend(canary, opts());
  const shown = [util.inspect(c, { showHidden: true, depth: 5 }), JSON.stringify(c), String(c), util.format('%o', c)];
  await admin('POST', '/_sandbox/keys/revoke', { key: canary });
  const err = await c.emails.send(mail('canary')).catch((e) => e);
  assert.ok(err instanceof AuthenticationError);
  shown.push(err.message, err.stack, JSON.stringify(err), util.inspect(err, { showHidden: true }));
  const bad = await Promise.resolve().then(() => new AutoSend('AS_Canary0123456789-SECRET')).catch((e) => e);
  shown.push(bad.message, JSON.stringify(bad));
  for (const s of shown) assert.ok(!s.includes('Canary0123456789'), s);
});

test('the key comes from process.env.AUTOSEND_API_KEY at construction only', { skip }, async () => {
  const key = await newKey();
  process.env.AUTOSEND_API_KEY = key;
  process.env.AUTOSEND_BASE_URL = base;
  let c;
  try {
    c = new AutoSend();
  } finally {
    delete process.env.AUTOSEND_API_KEY;
    delete process.env.AUTOSEND_BASE_URL;
  }
  const data = await c.emails.send(mail('from env'));
  assert.equal(typeof data.emailId, 'string');
});

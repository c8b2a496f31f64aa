// Webhook replay de-duplication (the core's ReplayGuard): AutoSend signs only the body, so a
// replay with a fresh timestamp verifies; the guard refuses it. And the core's depth limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sdk } from './pkg.mjs';

const { verifyWebhook, WebhookReplayGuard, webhookReplayKey, ValidationError, AutoSend } = sdk;
const SECRET = 'whsec_replaytest';
const BODY = '{"type":"email.delivered","createdAt":"2026-01-01T00:00:00.000Z","data":{"emailId":"e1"}}';
const sig = createHmac('sha256', SECRET).update(BODY).digest('hex');
const headers = (ts, id) => ({ 'x-webhook-signature': sig, 'x-webhook-timestamp': String(ts), 'x-webhook-delivery-id': id });

test('a replay with a fresh timestamp verifies, the guard refuses it', () => {
  const now = Date.now();
  const guard = new WebhookReplayGuard({ ttlMs: 3_600_000 });
  verifyWebhook(BODY, headers(now, 'd1'), SECRET, { now });
  assert.equal(guard.firstSeen(BODY, { now }), true);
  const later = now + 1_800_000;
  verifyWebhook(BODY, headers(later, 'd2'), SECRET, { now: later });
  assert.equal(guard.firstSeen(BODY, { now: later }), false);
  assert.equal(guard.firstSeen(BODY + ' ', { now: later }), true);
  assert.equal(guard.firstSeen(BODY, { now: now + 3_600_000 }), true, 'forgotten after the TTL');
});

test('bounded memory, bad options, pluggable store with the core key', async () => {
  const g = new WebhookReplayGuard({ ttlMs: 60_000, capacity: 2 });
  for (let i = 0; i < 10; i++) assert.equal(g.firstSeen(String(i), { now: 0 }), true);
  assert.equal(g.size, 2);
  assert.throws(() => new WebhookReplayGuard({ ttlMs: 0 }), (e) => e instanceof ValidationError && e.field === 'ttl_ms');
  const seen = new Map();
  const store = { async insertIfAbsent(k, ttl) { if (seen.has(k)) return false; seen.set(k, ttl); return true; } };
  const s = new WebhookReplayGuard({ ttlMs: 10_000, store });
  assert.equal(await s.firstSeen(''), true);
  assert.equal(await s.firstSeen(''), false);
  assert.deepEqual([...seen], [['sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 10_000]]);
  assert.equal(webhookReplayKey(new Uint8Array()), [...seen.keys()][0]);
});

test('nesting depth: the core refuses 65 levels and names dynamicData', async () => {
  let v = 1;
  for (let i = 0; i < 65; i++) v = { a: v };
  const c = new AutoSend('AS_depthtest1', { baseUrl: 'https://127.0.0.1:9/v1', maxRetries: 0 });
  const mail = { from: { email: 'a@example.com' }, to: { email: 'b@example.com' }, subject: 's', html: 'x' };
  await assert.rejects(c.emails.send({ ...mail, dynamicData: v }), (e) => e instanceof ValidationError && e.field === 'dynamicData');
});

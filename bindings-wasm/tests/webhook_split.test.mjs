// autosend-sdk/webhook (issue 15 item 2): the webhook conformance vectors through the small
// split wasm (bindings-wasm/webhook), in ESM and CommonJS; the same error classes as the main
// entry; and the same verdicts as the main entry's verifyWebhook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PKG_DIR, sdk } from './pkg.mjs';

const webhook = await import(pathToFileURL(path.join(PKG_DIR, 'esm', 'webhook-node.mjs')).href);
const webhookCjs = createRequire(import.meta.url)(path.join(PKG_DIR, 'cjs', 'webhook-index.cjs'));
const VECTORS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors');
const doc = JSON.parse(readFileSync(path.join(VECTORS, 'webhooks.json'), 'utf8'));
const vectors = doc.vectors.filter((v) => v.kind === 'webhook');

function verdict(verify, v) {
  const o = v.options || {};
  try {
    const ev = verify(v.body, v.headers, v.secret, { now: v.now_ms, tolerancePastMs: o.tolerance_past_ms, toleranceFutureMs: o.tolerance_future_ms });
    return { ok: true, type: ev.type, event: ev };
  } catch (e) {
    return { ok: false, error: e };
  }
}

test('the webhook vectors are there', () => assert.ok(vectors.length >= 20, `${vectors.length} vectors`));

for (const v of vectors) {
  test(`webhooks.json through autosend-sdk/webhook: ${v.name}`, () => {
    const got = verdict(webhook.verifyWebhook, v);
    if (v.expect.ok) {
      assert.ok(got.ok, `want ok, got ${got.error?.message}`);
      if (v.expect.type) assert.equal(got.type, v.expect.type);
    } else {
      assert.ok(!got.ok, `want ${v.expect.error}, got ok`);
      const e = got.error;
      // The main entry's classes: one taxonomy whichever entry threw.
      assert.ok(e instanceof sdk.WebhookVerificationError && e instanceof sdk.AutoSendError, `got ${e}`);
      assert.equal(e.kind, v.expect.error, e.message);
      assert.equal(e.name, sdk.errorFromJson({ code: e.code }).name, 'class of the code');
    }
    // Same event / same error as the main entry's verifyWebhook (the whole wasm).
    const main = verdict(sdk.verifyWebhook, v);
    assert.equal(got.ok, main.ok);
    if (got.ok) assert.deepEqual(got.event, main.event);
    else assert.deepEqual([got.error.code, got.error.message], [main.error.code, main.error.message]);
  });
}

test('import and require of autosend-sdk/webhook are one instance with the same exports', () => {
  assert.equal(webhook.verifyWebhook, webhookCjs.verifyWebhook);
  assert.deepEqual(Object.keys(webhook).sort(), Object.keys(webhookCjs).sort());
  assert.equal(webhook.WebhookSignatureError, sdk.WebhookSignatureError);
  assert.equal(webhook.runtimeEntry, 'node');
});

test('replay guard and replay key of the split module match the main entry', () => {
  const body = '{"type":"email.sent","data":{}}';
  assert.equal(webhook.webhookReplayKey(body), sdk.webhookReplayKey(body));
  assert.equal(webhook.webhookReplayKey(new TextEncoder().encode(body)), sdk.webhookReplayKey(body));
  const g = new webhook.WebhookReplayGuard();
  assert.equal(g.firstSeen(body, { now: 1000 }), true);
  assert.equal(g.firstSeen(body, { now: 2000 }), false);
  assert.equal(g.size, 1);
  let mainKind = null;
  try {
    new sdk.WebhookReplayGuard({ ttlMs: 0 });
  } catch (e) {
    mainKind = e.kind;
  }
  assert.ok(mainKind, 'the main entry refuses ttlMs 0');
  assert.throws(() => new webhook.WebhookReplayGuard({ ttlMs: 0 }), (e) => e instanceof sdk.AutoSendError && e.kind === mainKind);
});

test('headers: Headers, object with arrays, pairs; secret never echoed', () => {
  const v = vectors.find((x) => x.expect.ok);
  const asPairs = Object.entries(v.headers);
  for (const h of [new Headers(v.headers), v.headers, asPairs]) {
    assert.deepEqual(webhook.verifyWebhook(v.body, h, v.secret, { now: v.now_ms }), sdk.verifyWebhook(v.body, v.headers, v.secret, { now: v.now_ms }));
  }
  const secret = 'whsec_do_not_echo_me_123';
  assert.throws(() => webhook.verifyWebhook(v.body, v.headers, secret, { now: v.now_ms }), (e) => e instanceof sdk.WebhookSignatureError && !e.message.includes(secret));
});

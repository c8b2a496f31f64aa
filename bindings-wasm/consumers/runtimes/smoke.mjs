// Smoke test for Deno and Bun: the packed package, resolved through its conditional exports,
// sends one mail to the sandbox and verifies a webhook. Config comes from ./config.json
// (written by test.sh), so no environment access is needed.
import { AutoSend, AutoSendError, ValidationError, verifyWebhook, WebhookSignatureError, runtimeEntry } from 'autosend-sdk';
import * as webhookOnly from 'autosend-sdk/webhook';
import cfg from './config.json' with { type: 'json' };

function check(cond, what) {
  if (!cond) throw new Error(`smoke: ${what}`);
}

check(runtimeEntry === cfg.expectEntry, `entry ${runtimeEntry}, want ${cfg.expectEntry}`);
const client = new AutoSend(cfg.apiKey, { baseUrl: cfg.baseUrl });
let refused = false;
try {
  await client.emails.send({ from: { email: 'nope' }, to: { email: 'a@example.com' }, subject: 's', html: 'h' });
} catch (e) {
  refused = e instanceof ValidationError && e instanceof AutoSendError && e.code === 105;
}
check(refused, 'local validation');
const data = await client.emails.send({
  from: { email: 'hello@mail.example.com' },
  to: { email: `${runtimeEntry}@example.com` },
  subject: `smoke from ${runtimeEntry}`,
  html: `<p>${runtimeEntry}</p>`,
});
check(typeof data.emailId === 'string', 'emailId');
let webhookRefused = false;
try {
  verifyWebhook('{"type":"email.sent","data":{}}', { 'x-webhook-signature': '00'.repeat(32), 'x-webhook-timestamp': String(Date.now()) }, 'whsec_x');
} catch (e) {
  webhookRefused = e instanceof WebhookSignatureError;
}
check(webhookRefused, 'webhook verdict');
// The subpath autosend-sdk/webhook (small wasm), through the same runtime condition.
check(webhookOnly.runtimeEntry === cfg.expectEntry, `webhook entry ${webhookOnly.runtimeEntry}`);
webhookRefused = false;
try {
  webhookOnly.verifyWebhook('{"type":"email.sent","data":{}}', { 'x-webhook-signature': '00'.repeat(32), 'x-webhook-timestamp': String(Date.now()) }, 'whsec_x');
} catch (e) {
  webhookRefused = e instanceof WebhookSignatureError;
}
check(webhookRefused, 'autosend-sdk/webhook verdict');
console.log(JSON.stringify({ ok: true, runtime: runtimeEntry, emailId: data.emailId }));

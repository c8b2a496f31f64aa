// Verifies one signed delivery and refuses a forged one; prints {"ok":true,…}.
import { createHmac } from 'node:crypto';

export function check(verifyWebhook, WebhookSignatureError, runtimeEntry) {
  const secret = 'whsec_consumer_test';
  const now = Date.now();
  const body = JSON.stringify({ type: 'email.delivered', createdAt: new Date(now).toISOString(), data: { emailId: 'e1' } });
  const headers = {
    'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
    'x-webhook-timestamp': String(now),
    'x-webhook-event': 'email.delivered',
    'x-webhook-delivery-id': 'd1',
  };
  const event = verifyWebhook(body, headers, secret);
  let forged = null;
  try {
    verifyWebhook(body.replace('e1', 'e2'), headers, secret);
  } catch (e) {
    forged = e;
  }
  const ok = event.type === 'email.delivered' && forged instanceof WebhookSignatureError && forged.name === 'WebhookSignatureError';
  console.log(JSON.stringify({ ok, runtime: runtimeEntry, type: event.type, refused: forged?.name }));
  if (!ok) process.exitCode = 1;
}

// TypeScript consumer: compiled with tsc --strict, then run with node against the sandbox.
import AutoSendDefault, { AutoSend, AutoSendError, type SendEmailResponse } from 'autosend-sdk';
import { verifyWebhook, WebhookSignatureError, type WebhookEvent } from 'autosend-sdk/webhook';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

if (AutoSendDefault !== AutoSend) throw new Error('default export is not AutoSend');
// The subpath autosend-sdk/webhook type-checks (webhook.d.ts) and refuses a forged delivery.
try {
  const event: WebhookEvent = verifyWebhook('{}', { 'x-webhook-signature': '00'.repeat(32) }, 'whsec_x');
  throw new Error(`forged webhook accepted: ${event.type}`);
} catch (e) {
  if (!(e instanceof WebhookSignatureError)) throw e;
}
const client = new AutoSend(process.env.AUTOSEND_API_KEY, { baseUrl: process.env.AUTOSEND_BASE_URL });
try {
  const data: SendEmailResponse = await client.emails.send({
    from: { email: 'hello@mail.example.com' },
    to: { email: 'ts@example.com' },
    subject: 'from ts',
    html: '<p>ts</p>',
  });
  console.log('ts ok', data.emailId);
} catch (e) {
  if (e instanceof AutoSendError) console.error(e.code, e.message);
  process.exitCode = 1;
}

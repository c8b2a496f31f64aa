// TypeScript compiled to CommonJS (module Node16, package "type": "commonjs"): the default
// import type-checks against index.d.cts and is AutoSend at run time.
import AutoSend, { AutoSend as Named, ValidationError, type SendEmailResponse } from 'autosend-sdk';
import { verifyWebhook, WebhookSignatureError, type WebhookEvent } from 'autosend-sdk/webhook';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

async function main(): Promise<void> {
  if (AutoSend !== Named) throw new Error('default export is not AutoSend');
  // The subpath autosend-sdk/webhook from CommonJS (webhook.d.cts): refuses a forged delivery.
  let forged: WebhookEvent | unknown;
  try {
    forged = verifyWebhook('{}', { 'x-webhook-signature': '00'.repeat(32) }, 'whsec_x');
  } catch (e) {
    forged = e;
  }
  if (!(forged instanceof WebhookSignatureError)) throw new Error('no WebhookSignatureError from autosend-sdk/webhook');
  const client = new AutoSend(process.env.AUTOSEND_API_KEY, { baseUrl: process.env.AUTOSEND_BASE_URL });
  const refused = await client.emails.send({ from: { email: 'x' }, to: { email: 'y@example.com' }, subject: 's', html: 'h' }).catch((e: unknown) => e);
  if (!(refused instanceof ValidationError)) throw new Error('no ValidationError');
  const data: SendEmailResponse = await client.emails.send({
    from: { email: 'hello@mail.example.com' }, to: { email: 'tscjs@example.com' }, subject: 'from ts-cjs', html: '<p>ts-cjs</p>',
  });
  console.log('ts-cjs ok', data.emailId);
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

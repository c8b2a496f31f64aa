// workerd smoke: a Worker that sends one mail to the sandbox per request to /send, and verifies
// webhooks with the main entry and with the subpath autosend-sdk/webhook (its small wasm).
// test.sh bundles it twice with esbuild: with the "workerd" condition (as wrangler does; the
// .wasm files stay modules), and with plain browser conditions (as bundlers without that
// condition do), where it must still start (/start) and /send must say how to bundle.
import { AutoSend, AutoSendError, verifyWebhook, WebhookSignatureError, runtimeEntry } from 'autosend-sdk';
import * as webhookOnly from 'autosend-sdk/webhook';

function refusesForgery(verify) {
  try {
    verify('{}', { 'x-webhook-signature': '00'.repeat(32) }, 'whsec_x');
  } catch (e) {
    return e instanceof WebhookSignatureError;
  }
  return false;
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/start') {
      return Response.json({ started: true, runtime: runtimeEntry, webhookRuntime: webhookOnly.runtimeEntry });
    }
    try {
      if (typeof globalThis.process !== 'undefined') throw new Error('process exists in this worker');
      const client = new AutoSend(env.API_KEY, { baseUrl: env.BASE_URL });
      const data = await client.emails.send({
        from: { email: 'hello@mail.example.com' },
        to: { email: 'workerd@example.com' },
        subject: 'smoke from workerd',
        html: '<p>workerd</p>',
      });
      const ok = refusesForgery(verifyWebhook) && refusesForgery(webhookOnly.verifyWebhook) && webhookOnly.runtimeEntry === runtimeEntry;
      return Response.json({ ok, runtime: runtimeEntry, emailId: data.emailId });
    } catch (e) {
      const body = e instanceof AutoSendError ? { ok: false, code: e.code, message: e.message } : { ok: false, error: String(e && e.stack || e) };
      return Response.json(body, { status: 500 });
    }
  },
};

// workerd smoke: a Worker that sends one mail to the sandbox per request to /send.
// Bundled by esbuild with the "workerd" condition (as wrangler does); the .wasm stays a module.
import { AutoSend, AutoSendError, verifyWebhook, WebhookSignatureError, runtimeEntry } from 'autosend-sdk';

export default {
  async fetch(request, env) {
    try {
      if (typeof globalThis.process !== 'undefined') throw new Error('process exists in this worker');
      const client = new AutoSend(env.API_KEY, { baseUrl: env.BASE_URL });
      const data = await client.emails.send({
        from: { email: 'hello@mail.example.com' },
        to: { email: 'workerd@example.com' },
        subject: 'smoke from workerd',
        html: '<p>workerd</p>',
      });
      let webhookRefused = false;
      try {
        verifyWebhook('{}', { 'x-webhook-signature': '00'.repeat(32) }, 'whsec_x');
      } catch (e) {
        webhookRefused = e instanceof WebhookSignatureError;
      }
      return Response.json({ ok: webhookRefused, runtime: runtimeEntry, emailId: data.emailId });
    } catch (e) {
      const body = e instanceof AutoSendError ? { ok: false, code: e.code, message: e.message } : { ok: false, error: String(e && e.stack || e) };
      return Response.json(body, { status: 500 });
    }
  },
};

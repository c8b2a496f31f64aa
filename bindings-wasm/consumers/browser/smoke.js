// The check every browser build runs (Vite page, webpack page, webpack web worker): the
// package resolved through its "browser" entry, minified by the bundler, sends one mail to the
// sandbox (through the test server's same-origin proxy) and refuses a bad webhook, with the
// main entry and with the subpath autosend-sdk/webhook (its own small .wasm asset).
import * as webhookOnly from 'autosend-sdk/webhook';

export async function run(sdk, cfg) {
  const { AutoSend, AutoSendError, ValidationError, WebhookSignatureError, verifyWebhook, runtimeEntry } = sdk;
  const check = (cond, what) => {
    if (!cond) throw new Error(`browser smoke: ${what}`);
  };
  check(runtimeEntry === 'browser', `entry ${runtimeEntry}`);
  check(sdk.default === AutoSend, 'default export');
  check(typeof process === 'undefined', 'a process global exists');
  const client = new AutoSend(cfg.apiKey, { baseUrl: cfg.baseUrl });
  const bad = await client.emails.send({ from: { email: 'x' }, to: { email: 'y@example.com' }, subject: 's', html: 'h' }).catch((e) => e);
  check(bad instanceof ValidationError && bad instanceof AutoSendError, 'local validation');
  check(bad.name === 'ValidationError', `minified error name ${bad.name}`);
  const data = await client.emails.send({
    from: { email: 'hello@mail.example.com' },
    to: { email: `${cfg.label}@example.com` },
    subject: `from ${cfg.label}`,
    html: `<p>${cfg.label}</p>`,
  });
  check(typeof data.emailId === 'string', 'emailId');
  let webhook = null;
  try {
    verifyWebhook('{}', { 'x-webhook-signature': '00'.repeat(32), 'x-webhook-timestamp': String(Date.now()) }, 'whsec_x');
  } catch (e) {
    webhook = e;
  }
  check(webhook instanceof WebhookSignatureError && webhook.name === 'WebhookSignatureError', 'webhook verdict');
  webhook = null;
  try {
    webhookOnly.verifyWebhook('{}', { 'x-webhook-signature': '00'.repeat(32), 'x-webhook-timestamp': String(Date.now()) }, 'whsec_x');
  } catch (e) {
    webhook = e;
  }
  check(webhookOnly.runtimeEntry === 'browser', `webhook entry ${webhookOnly.runtimeEntry}`);
  check(webhook instanceof WebhookSignatureError && webhook.name === 'WebhookSignatureError', 'autosend-sdk/webhook verdict');
  return { ok: true, label: cfg.label, emailId: data.emailId };
}

// Webhook delivery end to end (issue 16): register a loopback webhook with webhooks.create,
// send a mail, receive the sandbox's signed email.delivered on a tiny HTTP server in this
// test, verify it with the SDK's own verifyWebhook, and find it in webhooks.logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { sdk } from './pkg.mjs';
import { info, skip, newKey, mail } from './sandbox.mjs';

const { AutoSend, verifyWebhook } = sdk;

function receiver() {
  const got = [];
  let wake = null;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      if (wake) wake();
    });
  });
  const next = async () => {
    const until = Date.now() + 20_000;
    while (got.length === 0) {
      if (Date.now() > until) throw new Error('no webhook delivery within 20 s');
      await new Promise((r) => { wake = r; setTimeout(r, 100); });
    }
    return got.shift();
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/autosend`, next, close: () => server.close() }),
    ),
  );
}

test('a registered webhook receives and verifies a signed email.delivered', { skip }, async () => {
  const rcv = await receiver();
  const c = new AutoSend(await newKey(), { baseUrl: info.url });
  let webhook = null;
  try {
    ({ webhook } = await c.webhooks.create({ url: rcv.url, events: ['email.delivered'] }));
    const sent = await c.emails.send(mail('webhook e2e'));
    const { headers, body } = await rcv.next();
    const ev = verifyWebhook(body, headers, webhook.secret);
    assert.equal(ev.type, 'email.delivered');
    assert.equal(ev.data.emailId, sent.emailId);
    assert.equal(typeof ev.deliveryId, 'string');
    const tampered = Buffer.from(body);
    tampered[0] = 0x20;
    assert.throws(() => verifyWebhook(tampered, headers, webhook.secret));
    assert.throws(() => verifyWebhook(body, headers, 'whsec_other'));
    let log = null;
    for (let i = 0; i < 100 && !log?.success; i++) {
      log = (await c.webhooks.logs({ id: webhook.id })).logs[0];
      if (!log?.success) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(log.success, true);
    assert.equal(log.event, 'email.delivered');
    assert.equal(log.jobId, ev.deliveryId);
  } finally {
    // The sandbox is shared by every test file: later sends must not go to a closed port.
    if (webhook) await c.webhooks.delete({ id: webhook.id });
    rcv.close();
  }
});

// Issue 14 item 3 in real time: slow connection set-up must not earn a 429. A sandbox of its
// own runs at the API's limits (2/s, 50/min) with every NEW connection's handshake delayed
// 200 ms. Sends alternate between a cold connection (a fetch on a fresh https agent) and a warm
// one (a keep-alive agent): a cold request granted first arrives 200 ms after its grant, so a
// limiter that counts grant times lets the third request (warm, arriving at once) into the same
// server-side second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sdk } from './pkg.mjs';

const { AutoSend } = sdk;
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(
  process.env.CARGO_TARGET_DIR || path.join(here, '..', '..', 'target'),
  'debug',
  'autosend-sandbox',
);
const skip = fs.existsSync(bin) ? false : `no sandbox binary at ${bin} (cargo build -p autosend-sandbox)`;

async function startSandbox(...extra) {
  const proc = spawn(bin, ['--port', '0', '--exit-on-stdin-eof', '--lazy-jwks', ...extra], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: proc.stdout });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    proc.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
  });
  return { info: JSON.parse(line), stop: () => proc.kill('SIGTERM') };
}

/** A fetch over node:https with the given agent (`false`: a new connection every time). */
function fetchVia(agent, ca) {
  return (url, init) => new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method, headers: init.headers, agent, ca, signal: init.signal }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const x of [v].flat()) headers.append(k, x);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
    });
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

test('slow new connections never earn a 429', { skip, timeout: 30_000 }, async () => {
  const sb = await startSandbox('--new-connection-delay-ms', '200');
  const warmAgent = new https.Agent({ keepAlive: true });
  try {
    const ca = fs.readFileSync(sb.info.ca_cert);
    const key = sb.info.keys.project[0].key;
    const rateLimits = { perSecond: 2, perMinute: 50, secondMs: 1000, minuteMs: 60000 };
    // No retry: a 429 is the failure this test looks for, not something to sit out.
    const client = (agent) => new AutoSend(key, { baseUrl: sb.info.url, maxRetries: 0, rateLimits, fetch: fetchVia(agent, ca) });
    const warm = client(warmAgent);
    const t0 = performance.now();
    for (let i = 0; i < 12; i++) {
      const c = i % 3 === 0 ? client(false) : warm;
      await c.emails.send({ from: { email: 'hello@mail.example.com' }, to: { email: `u${i}@example.com` }, subject: `m${i}`, html: '<p>hi</p>' });
    }
    const took = performance.now() - t0;
    const res = await fetchVia(false, ca)(`${sb.info.admin_url}/_sandbox/stats`, { method: 'GET', headers: {} });
    const stats = await res.json();
    assert.equal(stats.rejected.RATE_LIMIT_EXCEEDED ?? 0, 0, JSON.stringify(stats));
    assert.equal(stats.processed['emails.send'], 12);
    assert.ok(took >= 5000 && took < 12_000, `${took} ms`);
  } finally {
    warmAgent.destroy();
    sb.stop();
  }
});

test('rateLimits is checked by the core and names the field', async () => {
  assert.ok(new AutoSend('AS_ratelimitsoption1', { rateLimits: { secondMs: 100, minuteMs: 6000 } }));
  for (const [bad, field] of [
    [{ perSecond: 0 }, 'rateLimits.perSecond'],
    [{ secondMs: 1.5 }, 'rateLimits.secondMs'],
    [{ secondMs: 70000 }, 'rateLimits.minuteMs'],
    [{ per_second: 2 }, 'rateLimits.per_second'],
    [[1, 2], 'rateLimits'],
  ]) {
    assert.throws(() => new AutoSend('AS_ratelimitsoption1', { rateLimits: bad }), (e) => {
      assert.equal(e.kind, 'invalid_config', `${JSON.stringify(bad)}: ${e.message}`);
      assert.equal(e.field, field, `${JSON.stringify(bad)}: ${e.message}`);
      return true;
    });
  }
});

// The SDK's steady-state CPU per call, without network: W warm-up sends through an in-process
// fake fetch (a canned `Response`), then N timed, then N of the fake fetch + `Response.json()`
// alone; one JSON line {sdk_us, fake_us} (process CPU per call). bench/NOTES.md, "Smaller
// per-send path". Run before/after builds interleaved: the figures move with the load.
//   AUTOSEND_PKG_DIR=bindings-wasm/pkg node bench/drivers/node_steady.mjs 2000 3000
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const pkg = process.env.AUTOSEND_PKG_DIR || path.join(import.meta.dirname, '..', '..', 'bindings-wasm', 'pkg');
const { AutoSend } = await import(pathToFileURL(path.join(pkg, 'esm', 'node.mjs')).href);
const body = JSON.stringify({ success: true, data: { emailId: 'abc123', message: 'queued' } });
const headers = { 'content-type': 'application/json', 'x-request-id': 'req_1', 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' };
const fakeFetch = async () => new Response(body, { status: 200, headers });
const c = new AutoSend('AS_' + 'a'.repeat(32), { baseUrl: 'https://127.0.0.1:1/v1', maxRetries: 0, fetch: fakeFetch, rateLimits: { perSecond: 100000, perMinute: 1000000 } });
const mail = (i) => ({ from: { email: 'hello@mail.example.com' }, to: { email: 'a@example.com' }, subject: `m${i}`, html: '<p>hi</p>' });
const W = +(process.argv[2] || 3000), N = +(process.argv[3] || 4000);
for (let i = 0; i < W; i++) await c.emails.send(mail(i));
const t0 = process.cpuUsage();
for (let i = 0; i < N; i++) await c.emails.send(mail(i));
const u = process.cpuUsage(t0);
const t1 = process.cpuUsage();
for (let i = 0; i < N; i++) await (await fakeFetch('x', { method: 'POST', body: JSON.stringify(mail(i)) })).json();
const u1 = process.cpuUsage(t1);
console.log(JSON.stringify({ sdk_us: (u.user + u.system) / N, fake_us: (u1.user + u1.system) / N }));

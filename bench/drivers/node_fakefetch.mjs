// The SDK's own per-call work, without network: N sends through an in-process fake fetch (a
// canned `Response`), or with BASE=1 the fake fetch + `Response.json()` alone. Used with
// callgrind for a load-independent count (bench/NOTES.md, "Node per-call overhead"):
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all \
//     node --single-threaded bench/drivers/node_fakefetch.mjs 450   # and 50; the difference / 400
// AUTOSEND_PKG_DIR picks the package (default bindings-wasm/pkg).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = process.env.AUTOSEND_PKG_DIR || path.join(import.meta.dirname, '..', '..', 'bindings-wasm', 'pkg');
const { AutoSend } = await import(pathToFileURL(path.join(pkg, 'esm', 'node.mjs')).href);
const body = JSON.stringify({ success: true, data: { emailId: 'abc123', message: 'queued' } });
const headers = { 'content-type': 'application/json', 'x-request-id': 'req_1', 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' };
const fakeFetch = async () => new Response(body, { status: 200, headers });
const c = new AutoSend('AS_' + 'a'.repeat(32), {
  baseUrl: 'https://127.0.0.1:1/v1',
  maxRetries: 0,
  fetch: fakeFetch,
  rateLimits: { perSecond: 100000, perMinute: 1000000 },
});
const mail = (i) => ({ from: { email: 'hello@mail.example.com' }, to: { email: 'a@example.com' }, subject: `m${i}`, html: '<p>hi</p>' });
const n = Number(process.argv[2] || 450);
if (process.env.BASE) {
  for (let i = 0; i < n; i++) await (await fakeFetch('x', { method: 'POST', body: JSON.stringify(mail(i)) })).json();
} else {
  for (let i = 0; i < n; i++) await c.emails.send(mail(i));
}

// Real-time rate-limit scenarios of bench/ratelimit.sh for the alternatives and for this SDK
// shared by several processes. One JSON line on stdout.
//   node ratelimit_alt.mjs SCENARIO URL KEY N
// autosendjs-seq: autosendjs, N sends one after another (its default retries: 3 attempts,
//   1 s/2 s backoff, Retry-After ignored); a send it gives up on is counted as failed.
// autosendjs-all: autosendjs, N sends at once (Promise.all).
// fetch-retry: raw fetch, sequential; on 429 sleep Retry-After (or 1 s) and repeat.
// sdk-proc: this SDK, N sequential sends (run 4 of these sharing one key).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [scenario, url, key, nArg] = process.argv.slice(2);
const n = Number(nArg);
const here = import.meta.dirname;
const mail = (i) => ({ from: { email: 'hello@mail.example.com' }, to: { email: 'a@example.com' }, subject: `m${i}`, html: '<p>hi</p>' });
let accepted = 0;
let failed = 0;
let r429 = 0; // 429s this client saw (autosendjs hides its own retries: the server's count is authoritative)
const t0 = performance.now();
if (scenario.startsWith('autosendjs')) {
  const nm = process.env.AUTOSEND_BENCH_NODE_MODULES || path.join(here, '..', '.work', 'node', 'node_modules');
  const { Autosend } = await import(pathToFileURL(path.join(nm, 'autosendjs', 'dist', 'esm', 'index.mjs')).href);
  const c = new Autosend(key, { baseUrl: url });
  const one = async (i) => {
    const r = await c.emails.send(mail(i));
    if (r.success) accepted++;
    else { failed++; if (r.statusCode === 429) r429++; }
  };
  if (scenario === 'autosendjs-all') await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  else for (let i = 0; i < n; i++) await one(i);
} else if (scenario === 'fetch-retry') {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (let i = 0; i < n; i++) {
    for (;;) {
      const r = await fetch(`${url}/mails/send`, { method: 'POST', headers, body: JSON.stringify(mail(i)) });
      await r.arrayBuffer();
      if (r.status !== 429) { if (r.ok) accepted++; else failed++; break; }
      r429++;
      const ra = Number(r.headers.get('retry-after') || 1);
      await new Promise((res) => setTimeout(res, ra * 1000));
    }
  }
} else if (scenario === 'sdk-proc') {
  const pkg = process.env.AUTOSEND_PKG_DIR || path.join(here, '..', '..', 'bindings-wasm', 'pkg');
  const { AutoSend } = await import(pathToFileURL(path.join(pkg, 'esm', 'node.mjs')).href);
  const c = new AutoSend(key, { baseUrl: url });
  for (let i = 0; i < n; i++) {
    try { await c.emails.send(mail(i)); accepted++; } catch (e) { failed++; if (e.status === 429) r429++; }
  }
}
console.log(JSON.stringify({ scenario, n, accepted, failed, r429_client: r429, makespan_s: (performance.now() - t0) / 1000 }));

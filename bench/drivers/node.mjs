// Benchmark driver (Node): one client, one scenario, one JSON line on stdout.
//   node bench/drivers/node.mjs CLIENT SCENARIO URL KEY N [WARMUP] [INFLIGHT]
// CLIENT: sdk (this package) | fetch (raw global fetch) | autosendjs (the official SDK)
// SCENARIO: seq (N sequential sends) | par (N sends, INFLIGHT at a time) | startup (one send)
// TLS: the sandbox's CA comes in through NODE_EXTRA_CA_CERTS.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [client, scenario, url, key, nArg, warmArg, inflightArg] = process.argv.slice(2);
const n = Number(nArg || 1);
const warmup = Number(warmArg || 0);
const inflight = Number(inflightArg || 16);
const here = import.meta.dirname;
const mail = (i) => ({
  from: { email: 'hello@mail.example.com' },
  to: { email: 'a@example.com' },
  subject: `m${i}`,
  html: '<p>hi</p>',
});

let send;
if (client === 'sdk') {
  const pkg = process.env.AUTOSEND_PKG_DIR || path.join(here, '..', '..', 'bindings-wasm', 'pkg');
  const { AutoSend } = await import(pathToFileURL(path.join(pkg, 'esm', 'node.mjs')).href);
  const c = new AutoSend(key, { baseUrl: url, maxRetries: 0, rateLimits: { perSecond: 100000, perMinute: 1000000 } });
  send = (i) => c.emails.send(mail(i));
} else if (client === 'fetch') {
  const endpoint = `${url}/mails/send`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  send = async (i) => {
    const r = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(mail(i)) });
    const j = await r.json();
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return j.data;
  };
} else if (client === 'autosendjs') {
  // Installed by bench/run.sh into bench/.work/node (npm install autosendjs).
  const nm = process.env.AUTOSEND_BENCH_NODE_MODULES || path.join(here, '..', '.work', 'node', 'node_modules');
  const mod = await import(pathToFileURL(path.join(nm, 'autosendjs', 'dist', 'esm', 'index.mjs')).href);
  const Autosend = mod.Autosend || mod.default;
  const c = new Autosend(key, { baseUrl: url, maxRetries: 1 });
  send = async (i) => {
    const r = await c.emails.send(mail(i));
    if (!r.success) throw new Error(`autosendjs: ${JSON.stringify(r.error)} (${r.statusCode})`);
    return r.data;
  };
} else {
  throw new Error(`unknown client ${client}`);
}

for (let i = 0; i < warmup; i++) await send(i);
const c0 = process.cpuUsage();
const t0 = performance.now();
if (scenario === 'par') {
  let next = 0;
  const worker = async () => {
    while (next < n) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, n) }, worker));
} else {
  for (let i = 0; i < n; i++) await send(i);
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({
  lang: 'node', client, scenario, n, wall_s: wall, cpu_s: cpuS,
  rss_mb: process.memoryUsage().rss / 1048576,
  uptime_s: process.uptime(),
}));

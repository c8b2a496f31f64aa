// A/B of the fetch options the SDK's attempt uses, on raw fetch (bench/NOTES.md, "fifth
// round"): sequential sends over the network, process CPU per send, one JSON line.
//   node bench/drivers/node_fetch_ab.mjs VARIANTS URL KEY N [WARMUP]
// VARIANTS: comma-separated, or `none`:
//   agent   a dispatcher of its own: new Agent({ connect: { timeout } }) (the SDK's per-client one)
//   signal  an AbortController + setTimeout per send, its signal passed to fetch
//   hdrnull the headers as a null-prototype object with the SDK's header set
//   bytes   the body as a Uint8Array instead of a string (the SDK sends a string)
//   manual  redirect: 'manual'
//   diag    the SDK's undici diagnostics-channel subscriptions (no-op handlers)
//   stream  read the body with a stream reader (the SDK's readCapped), then JSON.parse
//   rhdr    walk the response headers (headers.forEach into a `name\nvalue\n` string)
//   als     the first 2 sends inside an AsyncLocalStorage's run(), then the storage disabled
//           (what the SDK did until this Node's fetch had proven itself)
// TLS: the sandbox's CA through NODE_EXTRA_CA_CERTS.
import dc from 'node:diagnostics_channel';
import { AsyncLocalStorage } from 'node:async_hooks';

const [variantArg, url, key, nArg, warmArg] = process.argv.slice(2);
const v = new Set(variantArg === 'none' ? [] : variantArg.split(','));
const n = Number(nArg || 400);
const warmup = Number(warmArg || 50);
const endpoint = `${url}/mails/send`;
const mail = (i) => ({ from: { email: 'hello@mail.example.com' }, to: { email: 'a@example.com' }, subject: `m${i}`, html: '<p>hi</p>' });

if (v.has('diag')) {
  const noop = () => {};
  for (const ch of ['undici:request:create', 'undici:client:sendHeaders', 'undici:request:headers', 'undici:client:beforeConnect', 'undici:client:connected']) dc.subscribe(ch, noop);
}
let dispatcher;
if (v.has('agent')) {
  await fetch('data:,');
  const Agent = globalThis[Symbol.for('undici.globalDispatcher.1')].constructor;
  dispatcher = new Agent({ connect: { timeout: 30000 } });
}
const plainHeaders = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const enc = new TextEncoder();
const dec = new TextDecoder();

// The SDK's readCapped loop (bindings-wasm/js/sdk.mjs), without the cap: the cost being compared.
async function readStream(res) {
  const reader = res.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

async function send(i) {
  let headers = plainHeaders;
  if (v.has('hdrnull')) {
    headers = Object.create(null);
    for (const [k, val] of SDK_HEADERS) headers[k] = val;
  }
  const text = JSON.stringify(mail(i));
  const init = { method: 'POST', headers, body: v.has('bytes') ? enc.encode(text) : text };
  if (v.has('manual')) init.redirect = 'manual';
  if (dispatcher) init.dispatcher = dispatcher;
  let controller, timer;
  if (v.has('signal')) {
    controller = new AbortController();
    timer = setTimeout(() => controller.abort(), 30000);
    init.signal = controller.signal;
  }
  try {
    const r = await fetch(endpoint, init);
    if (v.has('rhdr')) {
      let got = '';
      r.headers.forEach((val, k) => { got += `${k}\n${val}\n`; });
      if (got.length === 0) throw new Error('no headers');
    }
    const j = v.has('stream') ? JSON.parse(dec.decode(await readStream(r))) : await r.json();
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return j.data;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

// The SDK's header set for emails.send (names and shapes as the core writes them).
const SDK_HEADERS = [
  ['authorization', `Bearer ${key}`],
  ['accept', 'application/json'],
  ['content-type', 'application/json'],
  ['user-agent', 'autosend/0.1.0 js/0.1.0 (node/20.20.2)'],
];

const als = v.has('als') ? new AsyncLocalStorage() : null;
for (let i = 0; i < warmup; i++) {
  if (als && i < 2) await als.run({ i }, () => send(i));
  else await send(i);
  if (als && i === 1) als.disable();
}
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i++) await send(i);
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify({ variant: variantArg, n, wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6, cpu_us_per_send: (cpu.user + cpu.system) / n }));

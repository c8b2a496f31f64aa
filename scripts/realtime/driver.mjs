// Driver of scripts/realtime-limits.sh (Node): n sequential sends through one client at the
// API's limits; a 429 is counted and the send repeated. Prints one JSON line.
// node scripts/realtime/driver.mjs URL CA_FILE KEY N   (NODE_EXTRA_CA_CERTS=CA_FILE)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [url, , key, n] = process.argv.slice(2);
const pkg = process.env.AUTOSEND_PKG_DIR || path.join(import.meta.dirname, '..', '..', 'bindings-wasm', 'pkg');
const { AutoSend } = await import(pathToFileURL(path.join(pkg, 'esm', 'node.mjs')).href);
const c = new AutoSend(key, { baseUrl: url, maxRetries: 0 });
let ok = 0;
let refused = 0;
const t0 = performance.now();
while (ok < Number(n)) {
  try {
    await c.emails.send({ from: { email: 'hello@mail.example.com' }, to: { email: 'a@example.com' }, subject: `m${ok}`, html: '<p>hi</p>' });
    ok += 1;
  } catch (e) {
    if (e.status !== 429) throw e;
    refused += 1;
  }
}
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ lang: 'node', accepted: ok, r429: refused, makespan_s: s }));

// Serves dist/ on 127.0.0.1 (the sandbox behind a same-origin /api proxy, so no CORS), opens
// each build in headless Chromium (the system's `chromium`, no driver library: the page POSTs
// its outcome to /report) and prints the outcomes.
//   node run.mjs SANDBOX_URL KEY1 KEY2 KEY3 KEY4
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const [sandboxUrl, ...keys] = process.argv.slice(2);
const sandbox = new URL(sandboxUrl);
const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const onError = `<script>addEventListener('error', (e) => fetch('/report', { method: 'POST', body: JSON.stringify({ ok: false, error: String(e.message) }) }));</script>`;
const pages = { '/webpack.html': `<!doctype html><meta charset="utf-8">${onError}<script src="/webpack-web/main.js"></script>` };
let waiting = null;

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.url === '/report' && req.method === 'POST') {
      const out = JSON.parse(String(await body(req)));
      res.writeHead(204).end();
      waiting?.(out);
      return;
    }
    if (req.url.startsWith('/api/')) {
      const headers = { ...req.headers };
      for (const h of ['host', 'origin', 'referer', 'connection']) delete headers[h];
      const up = await fetch(new URL(req.url.slice(4), sandbox.origin), { method: req.method, headers, body: await body(req) });
      const drop = ['content-encoding', 'content-length', 'transfer-encoding', 'connection'];
      res.writeHead(up.status, Object.fromEntries([...up.headers].filter(([k]) => !drop.includes(k))));
      res.end(Buffer.from(await up.arrayBuffer()));
      return;
    }
    const url = req.url.split(/[?#]/)[0];
    if (pages[url]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[url]);
    const file = path.join(dist, path.normalize(decodeURIComponent(url)));
    if (!file.startsWith(dist + path.sep)) return void res.writeHead(403).end();
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(data);
  } catch (e) {
    res.writeHead(e.code === 'ENOENT' ? 404 : 500).end(String(e.message));
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const baseUrl = `${origin}/api${sandbox.pathname.replace(/\/$/, '')}`;

// One Chromium per check, in its own process group, killed once the page has reported.
function open(url) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'autosend-chromium-'));
  const child = spawn(
    process.env.CHROMIUM || 'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-extensions', `--user-data-dir=${profile}`, url],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((r) => child.on('exit', r));
  return {
    stderr: () => stderr,
    async close() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      await exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

let failed = 0;
async function check(label, page, extra = {}) {
  const cfg = { apiKey: keys.shift(), baseUrl, label, ...extra };
  const outcome = new Promise((resolve) => {
    waiting = resolve;
    setTimeout(() => resolve({ ok: false, label, error: 'no report within 30 s' }), 30000).unref();
  });
  const t0 = Date.now();
  const browser = open(`${origin}${page}#${encodeURIComponent(JSON.stringify(cfg))}`);
  const out = await outcome;
  await browser.close();
  console.log(JSON.stringify({ ...out, seconds: (Date.now() - t0) / 1000 }));
  if (out.ok !== true) {
    failed++;
    console.error(browser.stderr());
  }
}
try {
  await check('vite', '/vite/index.html');
  await check('vite6', '/vite6/index.html');
  await check('webpack-web', '/webpack.html');
  await check('webpack-webworker', '/webpack.html', { worker: '/webpack-worker/main.js' });
} finally {
  server.close();
}
process.exit(failed ? 1 : 0);

// Serves dist/ on 127.0.0.1 (the sandbox behind a same-origin /api proxy, so no CORS), opens
// each build in headless Chromium (puppeteer-core, the system's chromium) and runs the smoke.
//   node run.mjs SANDBOX_URL KEY1 KEY2 KEY3
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [sandboxUrl, ...keys] = process.argv.slice(2);
const sandbox = new URL(sandboxUrl);
const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const server = http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/api/')) {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.origin;
      delete headers.connection;
      const up = await fetch(new URL(req.url.slice(4), sandbox.origin), {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const out = Object.fromEntries([...up.headers].filter(([k]) => !['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)));
      res.writeHead(up.status, out).end(Buffer.from(await up.arrayBuffer()));
      return;
    }
    const pages = { '/webpack.html': '<!doctype html><meta charset="utf-8"><script src="/webpack-web/main.js"></script>' };
    if (pages[req.url]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[req.url]);
    const file = path.join(dist, path.normalize(decodeURIComponent(req.url.split('?')[0])));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(body);
  } catch (e) {
    res.writeHead(e.code === 'ENOENT' ? 404 : 500).end(String(e.message));
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const baseUrl = `${origin}/api${sandbox.pathname.replace(/\/$/, '')}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = 0;
async function check(label, url, fn) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}${url}`, { waitUntil: 'load', timeout: 20000 });
    const out = await page.evaluate(fn, { apiKey: keys.shift(), baseUrl, label });
    console.log(JSON.stringify(out));
    if (!out || out.ok !== true) throw new Error('not ok');
  } catch (e) {
    failed++;
    console.error(`${label}: ${e.message}`, errors.join('\n'));
  } finally {
    await page.close();
  }
}
const onPage = async (cfg) => {
  for (let i = 0; i < 200 && !globalThis.autosendSmoke; i++) await new Promise((r) => setTimeout(r, 50));
  return globalThis.autosendSmoke(cfg);
};
const inWorker = (cfg) =>
  new Promise((resolve) => {
    const w = new Worker('/webpack-worker/main.js');
    w.onerror = (e) => resolve({ ok: false, error: `worker: ${e.message}` });
    w.onmessage = (e) => (e.data.ready ? w.postMessage(cfg) : resolve(e.data));
    setTimeout(() => resolve({ ok: false, error: 'worker timed out' }), 15000);
  });
try {
  await check('vite', '/vite/index.html', onPage);
  await check('webpack-web', '/webpack.html', onPage);
  await check('webpack-webworker', '/webpack.html', inWorker);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);

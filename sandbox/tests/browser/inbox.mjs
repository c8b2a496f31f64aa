// Browser test of the sandbox inbox, as a person would use it.
//
// Starts the real sandbox, sends a mail whose HTML carries a <script> and a remote <img>,
// opens the inbox over HTTPS in Debian's headless Chromium and checks what is shown, that the
// script did not run and that no remote load was attempted. Then (issue 16): a mail rendered
// with dynamicData and {{#if}}/{{else}}, the tabs (also by keyboard), search, a live update
// arriving without reload, and the request log with its timeline marking a provoked 429.
//
// TLS: Chromium is NOT told to ignore certificate errors in general. It gets
// --ignore-certificate-errors-spki-list=<sha256 of the sandbox server key>, which the
// sandbox prints in its start line (`spki_sha256`): only that one freshly generated key is
// accepted, every other certificate error still fails.
//
// Env: SANDBOX_BIN (default: $CARGO_TARGET_DIR or ../../../target, then debug/autosend-sandbox),
//      CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (optional, to keep screenshots).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR || path.resolve(here, '../../../target');
const bin = process.env.SANDBOX_BIN || path.join(targetDir, 'debug', 'autosend-sandbox');
const chromePath = process.env.CHROMIUM || '/usr/bin/chromium';

let passed = 0;
let failed = 0;
function check(name, cond, detail = '') {
  if (cond) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name} ${detail}`);
  }
}

const watchdog = setTimeout(() => {
  console.error('browser test timed out');
  process.exit(1);
}, 90_000);

// 1. Start the sandbox and read its JSON line.
const sb = spawn(bin, ['--rate-per-second', '1000', '--rate-per-minute', '100000'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const info = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: sb.stdout });
  rl.once('line', (l) => resolve(JSON.parse(l)));
  sb.once('exit', (c) => reject(new Error(`sandbox exited with ${c}`)));
});
const ca = fs.readFileSync(info.ca_cert);

// 2. A local "remote" server that records every connection and request it gets.
const hits = [];
const remote = http.createServer((req, res) => {
  hits.push(req.url);
  res.end('x');
});
remote.on('connection', () => hits.push('connection'));
await new Promise((r) => remote.listen(0, '127.0.0.1', r));
const remotePort = remote.address().port;
const remoteOrigin = `http://127.0.0.1:${remotePort}`;

function api(method, p, body, extra = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(info.url + p);
    const data = body ? JSON.stringify(body) : undefined;
    const req = https.request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        ca,
        headers: {
          authorization: `Bearer ${info.keys.project[0].key}`,
          'content-type': 'application/json',
          'user-agent': 'autosend-node-browser-test/1.0',
          ...extra,
        },
      },
      (res) => {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(t) }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const subject = 'Browser test <b>not bold</b> & friends';
const html =
  '<h1 id="greet">Hello from the browser test</h1>' +
  `<script>fetch('${remoteOrigin}/script-ran');document.body.innerHTML='PWNED';</script>` +
  `<img id="remote" src="${remoteOrigin}/remote.png" alt="remote image">` +
  `<link rel="stylesheet" href="${remoteOrigin}/style.css">`;
const sent = await api('POST', '/mails/send', {
  to: { email: 'reader@example.com', name: 'Reader' },
  from: { email: 'sender@example.com', name: 'Sender' },
  subject,
  html,
  text: 'Plain text part of the browser test',
});
check('mail accepted by the sandbox', sent.status === 200, JSON.stringify(sent.json));
const emailId = sent.json.data?.emailId;

// 3. Chromium with a fresh profile; only the sandbox key is trusted beyond the system roots.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: chromePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--ignore-certificate-errors-spki-list=${info.spki_sha256}`,
  ],
});
const requests = [];
const blocked = new Map();
const finished = [];
const violations = [];
ctx.on('request', (r) => requests.push(r.url()));
ctx.on('requestfailed', (r) => blocked.set(r.url(), r.failure()?.errorText || ''));
ctx.on('requestfinished', (r) => finished.push(r.url()));
const page = ctx.pages()[0] || (await ctx.newPage());
page.on('console', (m) => {
  if (/Content Security Policy|Refused/i.test(m.text())) violations.push(m.text());
});
let dialogs = 0;
page.on('dialog', (d) => {
  dialogs++;
  d.dismiss().catch(() => {});
});

try {
  // 4. The inbox list, as a person sees it.
  const resp = await page.goto(info.inbox_url, { waitUntil: 'load' });
  check('inbox loads over HTTPS', resp && resp.status() === 200);
  check('inbox sends a CSP', (resp.headers()['content-security-policy'] || '').includes("default-src 'none'"));
  const link = page.getByRole('link', { name: subject });
  check('subject is listed literally (escaped, not rendered as HTML)', (await link.count()) === 1);
  const bodyText = await page.locator('body').innerText();
  check('sender, recipient and SDK are listed', bodyText.includes('sender@example.com') &&
    bodyText.includes('reader@example.com') && bodyText.includes('autosend-node-browser-test/1.0'));
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'inbox.png'), fullPage: true });

  // 5. The message page.
  await link.click();
  await page.waitForURL(`**/messages/${emailId}`);
  const frame = page.frameLocator('iframe[title="HTML body"]');
  const greet = await frame.locator('#greet').innerText({ timeout: 5000 });
  check('HTML body text is shown', greet === 'Hello from the browser test');
  const frameBody = await frame.locator('body').innerText();
  check('script in the mail did not run', !frameBody.includes('PWNED'));
  await page.getByText('Text', { exact: true }).click();
  const pageText = await page.locator('body').innerText();
  check('text part is shown (Text tab)', pageText.includes('Plain text part of the browser test'));
  const sandboxAttr = await page.locator('iframe[title="HTML body"]').getAttribute('sandbox');
  check('iframe is sandboxed without allow-scripts', sandboxAttr === '');
  const imgComplete = await frame.locator('#remote').evaluate((img) => img.naturalWidth).catch(() => 0);
  check('remote image did not load', imgComplete === 0);
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'message.png'), fullPage: true });
  await page.waitForTimeout(300);

  // 6. Rendering as AutoSend does: dynamicData through Handlebars, {{#if}}…{{else}}.
  const rendered = await api('POST', '/mails/send', {
    to: { email: 'ada@example.com', name: 'Ada' },
    from: { email: 'sender@example.com' },
    subject: 'Welcome {{name}}',
    html: '<p id="hello">{{#if vip}}Dear {{name}}{{else}}Hello{{/if}}</p><p id="plan">{{#if trial}}trial{{else}}paid{{/if}}</p>',
    text: 'Hi {{name}}',
    dynamicData: { name: 'Ada', vip: true, trial: false },
  });
  const rid = rendered.json.data?.emailId;
  await page.goto(`${info.admin_url}/messages/${rid}`, { waitUntil: 'load' });
  const rframe = page.frameLocator('iframe[title="HTML body"]');
  check('subject rendered with dynamicData', (await page.locator('#subject').innerText()) === 'Welcome Ada');
  check('{{#if}} true branch rendered', (await rframe.locator('#hello').innerText({ timeout: 5000 })) === 'Dear Ada');
  check('{{else}} branch rendered', (await rframe.locator('#plan').innerText()) === 'paid');
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'rendered.png'), fullPage: true });
  // Tabs: the JSON source shows the request as sent; headers with the key redacted.
  await page.getByText('Source (JSON)', { exact: true }).click();
  const src = await page.locator('#p-src').innerText();
  check('Source tab shows the raw request', src.includes('{{#if vip}}') && src.includes('"dynamicData"'));
  check('HTML panel hidden while Source is selected', !(await page.locator('#p-html').isVisible()));
  await page.getByText('Request headers', { exact: true }).click();
  const hdr = await page.locator('#p-hdr').innerText();
  check('Headers tab never shows the key', hdr.length > 0 && !hdr.includes(info.keys.project[0].key));
  // Keyboard: the tabs are radio inputs, reachable and switchable with the arrow keys.
  await page.locator('#t-hdr').focus();
  await page.keyboard.press('ArrowLeft');
  check('tabs switch with the keyboard', await page.locator('#p-src').isVisible());
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'tabs.png'), fullPage: true });

  // 7. Search.
  await page.goto(info.inbox_url, { waitUntil: 'load' });
  await page.keyboard.press('/');
  await page.keyboard.type('Welcome');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/?q=Welcome*');
  const found = await page.locator('#messages tbody tr').count();
  check('search narrows the list to the matching mail', found === 1 && (await page.locator('#messages tbody').innerText()).includes('Welcome Ada'));
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'search.png'), fullPage: true });

  // 8. Live update: a mail sent while the inbox is open appears without a reload.
  await page.goto(info.inbox_url, { waitUntil: 'load' });
  const before = await page.locator('#messages tbody tr').count();
  await page.waitForTimeout(300); // the EventSource connects
  await api('POST', '/mails/send', {
    to: { email: 'live@example.com' }, from: { email: 'sender@example.com' },
    subject: 'Arrived live {{n}}', text: 'x', dynamicData: { n: 7 },
  });
  await page.locator('#messages tbody tr', { hasText: 'Arrived live 7' }).waitFor({ timeout: 10_000 });
  check('live update arrives without reload', (await page.locator('#messages tbody tr').count()) === before + 1);
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'live.png'), fullPage: true });

  // 9. Request log and chart with a provoked 429.
  const limited = await api('GET', '/webhooks', undefined, { 'x-sandbox-fault': '{"rate_limit_burst":1}' });
  check('a 429 was provoked', limited.status === 429);
  await page.goto(`${info.admin_url}/requests`, { waitUntil: 'load' });
  const logText = await page.locator('#requests').innerText();
  check('request log lists the sends and the 429', logText.includes('mails.send') && logText.includes('RATE_LIMIT_EXCEEDED'));
  const svgHtml = await page.locator('svg.timeline').first().evaluate((e) => e.outerHTML);
  check('the timeline marks the 429', (await page.locator('svg.timeline rect.r429').count()) >= 1, svgHtml.slice(0, 600));
  check('the timeline draws the limit', (await page.locator('svg.timeline line.limit').count()) >= 2);
  check('the request log never shows the key', !(await page.content()).includes(info.keys.project[0].key));
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'requests.png'), fullPage: true });
} catch (e) {
  check('browser flow', false, String(e && e.stack || e));
}

// Chromium reports a sub-resource to DevTools before the page's CSP refuses it; what matters
// is that every one of them was refused in the renderer (ERR_BLOCKED_BY_CSP) and none went
// out on the network (the remote server below saw no connection).
const remoteRequests = requests.filter((u) => u.includes(`:${remotePort}`));
const notBlocked = remoteRequests.filter((u) => !/BLOCKED_BY_CSP|blocked:csp|^csp$/i.test(blocked.get(u) || ''));
check('every remote load was refused by the CSP before reaching the network', notBlocked.length === 0,
  JSON.stringify(remoteRequests.map((u) => [u, blocked.get(u)])));
check('no remote request finished', !finished.some((u) => u.includes(`:${remotePort}`)));
check('the script never ran (its fetch was never even issued)', !remoteRequests.some((u) => u.endsWith('/script-ran')));
check('the remote server saw no connection at all', hits.length === 0, JSON.stringify(hits));
check('no dialogs were opened', dialogs === 0);
console.log(`(CSP reports in the console: ${violations.length}; remote loads refused: ${JSON.stringify(remoteRequests.map((u) => [u, blocked.get(u)]))})`);

await ctx.close();
remote.close();
sb.kill('SIGTERM');
fs.rmSync(profile, { recursive: true, force: true });
clearTimeout(watchdog);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// The generated surface: every catalog id under its namespace, results with lastResponse,
// binary responses, and the TypeScript types (tsc --strict accepts the consumer in
// tests/typing and refuses a misspelled parameter, naming it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sdk, PKG_DIR } from './pkg.mjs';

const { AutoSend, endpoints } = sdk;
const here = path.dirname(fileURLToPath(import.meta.url));

function client(fetch) {
  return new AutoSend('AS_surfaceTest1', { fetch, maxRetries: 1, _privateLimiter: true });
}

function json(body, init = {}) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' }, ...init });
}

test('every catalog id is a method under its camelCase namespace', () => {
  const c = client(async () => json({ success: true, data: {} }));
  const ids = endpoints().map((e) => e.id);
  assert.ok(ids.length >= 16, `catalog has ${ids.length} endpoints`);
  for (const ep of endpoints()) {
    assert.equal(ep.id, `${ep.namespace}.${ep.name}`);
    assert.equal(typeof c[ep.namespace]?.[ep.name], 'function', `client.${ep.id} is missing`);
  }
});

test('the generated types list exactly the catalog ids', () => {
  const dts = fs.readFileSync(path.join(PKG_DIR, 'endpoints.d.ts'), 'utf8');
  const block = dts.slice(dts.indexOf('export interface Endpoints {'), dts.indexOf('export type EndpointId'));
  const typed = [...block.matchAll(/^ {2}"([A-Za-z]+\.[A-Za-z]+)":/gm)].map((m) => m[1]).sort();
  assert.deepEqual(typed, endpoints().map((e) => e.id).sort());
});

test('a namespace method calls its endpoint with path and query fields from the flat params', async () => {
  const seen = [];
  const c = client(async (url, init) => {
    seen.push([init.method, url]);
    return json({ success: true, data: { campaigns: [], pagination: { page: 2, limit: 5, total: 0, pages: 0 } } });
  });
  await c.campaigns.list({ status: 'draft', page: 2, limit: 5 });
  const [method, url] = seen[0];
  assert.equal(method, 'GET');
  const u = new URL(url);
  assert.equal(u.pathname, '/v1/campaigns');
  assert.equal(u.searchParams.get('status'), 'draft');
  assert.equal(u.searchParams.get('page'), '2');
  assert.equal(u.searchParams.get('limit'), '5');
});

test('results carry a non-enumerable lastResponse {status, requestId, message, alreadyGone}', async () => {
  const c = client(async () =>
    json({ success: true, message: 'Contact created', data: { id: 'c1', email: 'a@example.com' } }, { headers: { 'x-request-id': 'req_1' } }),
  );
  const res = await c.contacts.create({ email: 'a@example.com' });
  assert.deepEqual(res, { id: 'c1', email: 'a@example.com' });
  assert.deepEqual(Object.keys(res).sort(), ['email', 'id']);
  assert.deepEqual(JSON.parse(JSON.stringify(res)), { id: 'c1', email: 'a@example.com' });
  assert.equal(res.lastResponse.status, 200);
  assert.equal(res.lastResponse.requestId, 'req_1');
  assert.equal(res.lastResponse.message, 'Contact created');
  assert.equal(res.lastResponse.alreadyGone, false);
  assert.equal(res.lastResponse.attempts, 1);
  assert.ok(Object.isFrozen(res.lastResponse));
});

test('a message-only answer (delete) resolves to {message} with lastResponse', async () => {
  const c = client(async () => json({ success: true, message: 'Template deleted' }));
  const res = await c.templates.delete({ templateId: 'A-1' });
  assert.equal(res.message ?? res.lastResponse.message, 'Template deleted');
  assert.equal(res.lastResponse.message, 'Template deleted');
});

// Pending on the core: it does not report already_gone yet (ApiResponse::describe); the
// binding passes it through as soon as it does, and this test then passes.
test('a DELETE retried after an ambiguous failure that finds the resource gone reports alreadyGone', async () => {
  let n = 0;
  const c = client(async () => {
    n++;
    if (n === 1) throw new TypeError('fetch failed');
    return json({ success: false, error: { message: 'not found', code: 'CONTACT_NOT_FOUND' } }, { status: 404 });
  });
  const res = await c.contacts.delete({ id: 'c1' });
  assert.equal(n, 2);
  assert.equal(res.lastResponse.alreadyGone, true);
  assert.equal(res.lastResponse.attempts, 2);
});

test('binary endpoint with download: true resolves to the bytes (Uint8Array) with content type and file name', async () => {
  const payload = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x80, 0x0a]);
  let url;
  const c = client(async (u) => {
    url = new URL(u);
    return new Response(payload, {
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="invoice.pdf"', 'x-request-id': 'req_b' },
    });
  });
  const bytes = await c.inbound.attachment({ id: 'msg1', idx: '0', download: true });
  assert.equal(url.pathname, '/v1/inbound/messages/msg1/attachments/0');
  assert.equal(url.searchParams.get('download'), 'true');
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], [...payload]);
  assert.equal(bytes.lastResponse.contentType, 'application/pdf');
  assert.equal(bytes.lastResponse.filename, 'invoice.pdf');
  assert.equal(bytes.lastResponse.requestId, 'req_b');
});

test('binary endpoint without download resolves to the JSON data', async () => {
  const c = client(async () => json({ success: true, data: { attachmentId: 'att_1', size: 3 } }));
  const meta = await c.inbound.attachment({ id: 'msg1', idx: 'att_1' });
  assert.deepEqual(meta, { attachmentId: 'att_1', size: 3 });
  assert.ok(!(meta instanceof Uint8Array));
});

test('a 202 with an empty body is success', async () => {
  const c = client(async () => new Response(null, { status: 202 }));
  const res = await c.inbound.reply({ id: 'msg1', from: { email: 'a@mail.example.com' }, text: 'hi' });
  assert.equal(res.lastResponse.status, 202);
});

// ------------------------------------------------------------------------------ types

const TSC = path.join(here, '..', 'dev', 'node_modules', '.bin', 'tsc');
const typesSkip = fs.existsSync(TSC) ? false : 'typescript not installed (bindings-wasm/dev: npm ci)';

function tsc(dir) {
  try {
    execFileSync(TSC, ['--strict', '--noEmit', '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, out: '' };
  } catch (e) {
    return { ok: false, out: `${e.stdout}${e.stderr}` };
  }
}

function project(name, source) {
  const dir = path.join(here, '.work', 'typing', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(PKG_DIR, path.join(dir, 'node_modules', 'autosend-sdk'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'],
        types: [], noEmit: true, skipLibCheck: false,
      },
      include: ['consumer.ts'],
    }),
  );
  fs.writeFileSync(path.join(dir, 'consumer.ts'), source);
  return dir;
}

const CONSUMER = fs.readFileSync(path.join(here, 'typing', 'consumer.ts'), 'utf8');

test('tsc --strict accepts a consumer of templates.create, campaigns.list and inbound.attachment', { skip: typesSkip }, () => {
  const r = tsc(project('good', CONSUMER));
  assert.ok(r.ok, r.out);
});

test('tsc --strict refuses a misspelled parameter and names it', { skip: typesSkip }, () => {
  const bad = CONSUMER.replace("{ status: 'draft', limit: 10 }", "{ statuss: 'draft', limit: 10 }");
  assert.notEqual(bad, CONSUMER);
  const r = tsc(project('typo', bad));
  assert.ok(!r.ok, 'tsc accepted a misspelled parameter');
  const errors = r.out.split('\n').filter((l) => l.includes('error TS'));
  assert.equal(errors.length, 1, r.out);
  assert.match(errors[0], /consumer\.ts\(7,/);
  assert.match(errors[0], /'statuss' does not exist/);
});

test('tsc --strict refuses an unknown endpoint id and a wrong enum value', { skip: typesSkip }, () => {
  let r = tsc(project('id', CONSUMER.replace("client.request('campaigns.list'", "client.request('campaign.list'")));
  assert.ok(!r.ok && /campaign\.list/.test(r.out), r.out);
  r = tsc(project('enum', CONSUMER.replace("status: 'draft'", "status: 'drafty'")));
  assert.ok(!r.ok && /drafty/.test(r.out), r.out);
  r = tsc(project('bytes', CONSUMER.replace("{ id: 'msg1', idx: '0', download: true }", "{ id: 'msg1', idx: '0' }")));
  assert.ok(!r.ok && /BinaryResult/.test(r.out), r.out);
});

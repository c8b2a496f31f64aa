// Paged lists and chunked bulk writes through the public API, with a scripted fetch (no
// network): the Page object, iteration across pages, resume after a failed page, the toArray
// cap, the await-compatible first page, and the bulk helpers' report and progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './pkg.mjs';

const { AutoSend, ValidationError, PermissionError, AutoSendError } = sdk;

function json(status, body) {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  return { status, headers: new Headers({ 'content-type': 'application/json' }), arrayBuffer: async () => bytes.buffer };
}

// A campaigns list of `total` items served `limit` per page; `fail` maps a page number to a
// status to answer once instead.
function campaignsServer(total, { fail = {} } = {}) {
  const log = [];
  const fetch = async (url) => {
    const u = new URL(url);
    const page = Number(u.searchParams.get('page'));
    const limit = Number(u.searchParams.get('limit'));
    log.push({ page, limit, status: u.searchParams.get('status') });
    if (fail[page]) {
      const status = fail[page];
      delete fail[page];
      return json(status, { success: false, error: { message: 'no', code: 'FORBIDDEN' } });
    }
    const start = (page - 1) * limit;
    const campaigns = [];
    for (let i = start; i < Math.min(total, start + limit); i++) campaigns.push({ id: `c${i}` });
    return json(200, {
      success: true,
      data: { campaigns, pagination: { page, limit, total, pages: Math.ceil(total / limit) } },
    });
  };
  return { fetch, log };
}

function client(fetch) {
  return new AutoSend('AS_test123', { fetch, maxRetries: 0, _privateLimiter: true, rateLimits: { perSecond: 100000, perMinute: 1000000 } });
}

test('await list() gives the first page: items, page metadata, the data fields as before', async () => {
  const { fetch, log } = campaignsServer(250);
  const page = await client(fetch).campaigns.list({ status: 'draft', limit: 100 });
  assert.equal(page.items.length, 100);
  assert.deepEqual(page.page, { page: 1, limit: 100, total: 250, pages: 3, hasMore: true });
  assert.equal(page.hasMore, true);
  assert.deepEqual(page.campaigns, page.items, 'data.campaigns still there');
  assert.deepEqual(page.pagination, { page: 1, limit: 100, total: 250, pages: 3 });
  assert.equal(page.lastResponse.status, 200);
  assert.equal(page.data.campaigns.length, 100);
  assert.deepEqual(log, [{ page: 1, limit: 100, status: 'draft' }]);
  const p2 = await page.nextPage();
  const p3 = await p2.nextPage();
  assert.deepEqual([p2.page.page, p3.page.page, p3.items.length, p3.hasMore], [2, 3, 50, false]);
  assert.equal(await p3.nextPage(), null, 'no request after the last page');
  assert.equal(log.length, 3);
  // nextPage() on an older page asks for the same page again (each page keeps its cursor).
  const again = await page.nextPage();
  assert.equal(again.items[0].id, 'c100');
});

test('for await over list() walks every page once, with the documented max limit by default', async () => {
  const { fetch, log } = campaignsServer(250);
  const ids = [];
  for await (const c of client(fetch).campaigns.list({ status: 'draft' })) ids.push(c.id);
  assert.equal(ids.length, 250);
  assert.equal(new Set(ids).size, 250);
  assert.deepEqual(log.map((l) => [l.page, l.limit, l.status]), [[1, 100, 'draft'], [2, 100, 'draft'], [3, 100, 'draft']]);
});

test('breaking out of the loop stops fetching', async () => {
  const { fetch, log } = campaignsServer(250);
  let n = 0;
  for await (const _ of client(fetch).campaigns.list({ limit: 10 })) if (++n === 15) break;
  assert.equal(log.length, 2);
});

test('a failed page throws the typed error with err.page; the walk resumes there', async () => {
  const { fetch, log } = campaignsServer(250, { fail: { 2: 403 } });
  const c = client(fetch);
  const got = [];
  let err = null;
  try {
    for await (const x of c.campaigns.list({ status: 'draft' })) got.push(x.id);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof PermissionError, String(err));
  assert.equal(err.page, 2);
  assert.equal(got.length, 100);
  for await (const x of c.campaigns.list({ status: 'draft', page: err.page })) got.push(x.id);
  assert.equal(got.length, 250);
  assert.equal(new Set(got).size, 250);
  assert.deepEqual(log.map((l) => l.page), [1, 2, 2, 3]);
  // The first page failing: the promise rejects with page 1.
  const bad = campaignsServer(10, { fail: { 1: 403 } });
  await assert.rejects(client(bad.fetch).campaigns.list(), (e) => e instanceof PermissionError && e.page === 1);
});

test('an answer for another page is invalid_response, with the page to resume at', async () => {
  const fetch = async () => json(200, { success: true, data: { campaigns: [{ id: 'x' }], pagination: { page: 7, limit: 1, total: 9, pages: 9 } } });
  await assert.rejects(client(fetch).campaigns.list({ limit: 1 }), (e) => e.kind === 'invalid_response' && e.page === 1);
});

test('toArray needs a cap and stops at it', async () => {
  const { fetch, log } = campaignsServer(250);
  const c = client(fetch);
  await assert.rejects(c.campaigns.list().toArray(), (e) => e instanceof ValidationError && e.field === 'limit');
  await assert.rejects(c.campaigns.list().toArray({ limit: 0 }), ValidationError);
  log.length = 0;
  const some = await c.campaigns.list({ limit: 50 }).toArray({ limit: 120 });
  assert.equal(some.length, 120);
  assert.deepEqual(log.map((l) => l.page), [1, 2, 3], 'no page beyond the cap');
  const first = await c.campaigns.list({ limit: 100 });
  assert.equal((await first.toArray({ limit: 1000 })).length, 250);
});

test('usage errors: bad page, a non-paged call stays a plain promise', async () => {
  let sent = 0;
  const c = client(async () => {
    sent++;
    return json(200, { success: true, data: {} });
  });
  await assert.rejects(c.campaigns.list({ page: 0 }), (e) => e instanceof ValidationError && e.field === 'page');
  await assert.rejects(c.campaigns.list({ limit: 'x' }), ValidationError);
  assert.equal(sent, 0);
  const r = c.senders.list();
  assert.equal(r[Symbol.asyncIterator], undefined);
  await r;
});

test('flat metadata (webhooks.list): page metadata from total/totalPages', async () => {
  const fetch = async (url) => {
    const page = Number(new URL(url).searchParams.get('page'));
    const webhooks = page <= 2 ? [{ id: `w${page}` }] : [];
    return json(200, { success: true, data: { webhooks, total: 2, page, limit: 1, totalPages: 2 } });
  };
  const c = client(fetch);
  const first = await c.webhooks.list({ limit: 1 });
  assert.deepEqual(first.page, { page: 1, limit: 1, total: 2, pages: 2, hasMore: true });
  assert.equal(first.totalPages, 2);
  assert.deepEqual(await c.webhooks.list({ limit: 1 }).toArray({ limit: 10 }), [{ id: 'w1' }, { id: 'w2' }]);
});

// ------------------------------------------------------------------------- bulk helpers

function bulkServer({ faults = {} } = {}) {
  const seen = [];
  const fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    const n = seen.length;
    seen.push(body);
    const f = faults[n];
    if (f === 'reset') throw new TypeError('fetch failed');
    if (typeof f === 'number') return json(f, { success: false, error: { message: 'nope' } });
    return json(200, { success: true, data: { batchId: 'b1', successCount: (body.recipients ?? body.contacts ?? body.emails ?? []).length } });
  };
  return { fetch, seen };
}

test('emails.bulkAll: 1001 recipients in 11 chunks; a lost chunk is may_have_been_delivered and never re-sent', async () => {
  const { fetch, seen } = bulkServer({ faults: { 2: 'reset' } });
  const recipients = Array.from({ length: 1001 }, (_, i) => ({ email: `r${i}@example.com` }));
  const progress = [];
  const report = await client(fetch).emails.bulkAll(
    { from: { email: 'a@example.com' }, subject: 'Hi', html: '<p>Hi</p>', recipients },
    { onProgress: (p) => progress.push(p) },
  );
  assert.equal(seen.length, 11, 'each chunk sent once');
  assert.deepEqual(seen.map((b) => b.recipients.length), [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1]);
  assert.ok(seen.every((b) => b.subject === 'Hi' && b.from.email === 'a@example.com'));
  assert.deepEqual(report.counts, { accepted: 901, refused: 0, may_have_been_delivered: 100, not_attempted: 0 });
  assert.equal(report.chunks[2].status, 'may_have_been_delivered');
  assert.ok(report.chunks[2].error instanceof AutoSendError);
  assert.equal(report.chunks[2].error.mayHaveBeenDelivered, true);
  assert.equal(report.retrySafe, false);
  assert.equal(report.allAccepted, false);
  assert.deepEqual(report.itemsWith('may_have_been_delivered').map((i) => i.index), Array.from({ length: 100 }, (_, i) => 200 + i));
  assert.equal(report.items[250].item.email, 'r250@example.com');
  assert.equal(report.items.length, 1001);
  assert.equal(progress.length, 11);
  assert.deepEqual(progress.at(-1), { chunksDone: 11, chunksTotal: 11, itemsDone: 1001, itemsTotal: 1001 });
});

test('contacts.bulkUpdateAll: a refused chunk goes on; a 401 stops the run', async () => {
  const contacts = Array.from({ length: 350 }, (_, i) => ({ email: `c${i}@example.com` }));
  let s = bulkServer({ faults: { 0: 400 } });
  let r = await client(s.fetch).contacts.bulkUpdateAll({ contacts });
  assert.deepEqual(r.chunks.map((c) => c.status), ['refused', 'accepted', 'accepted', 'accepted']);
  assert.equal(r.chunks[0].error.kind, 'api_validation');
  s = bulkServer({ faults: { 1: 401 } });
  r = await client(s.fetch).contacts.bulkUpdateAll({ contacts });
  assert.deepEqual(r.chunks.map((c) => c.status), ['accepted', 'refused', 'not_attempted', 'not_attempted']);
  assert.equal(r.stopped, true);
  assert.equal(s.seen.length, 2);
});

test('contactLists.bulkAddAll splits by 500; usage errors send nothing', async () => {
  const s = bulkServer();
  const c = client(s.fetch);
  const r = await c.contactLists.bulkAddAll({ contactListId: 'L1', emails: Array.from({ length: 501 }, (_, i) => `e${i}@example.com`) });
  assert.deepEqual(s.seen.map((b) => [b.contactListId, b.emails.length]), [['L1', 500], ['L1', 1]]);
  assert.equal(r.retrySafe, true);
  assert.equal(r.allAccepted, true);
  s.seen.length = 0;
  await assert.rejects(c.contactLists.bulkAddAll({ contactListId: 'L1', emails: [] }), (e) => e instanceof ValidationError && e.field === 'emails');
  await assert.rejects(c.emails.bulkAll({ recipients: [] }), ValidationError);
  await assert.rejects(c.contacts.bulkUpdateAll({ contacts: [{ email: 'a@b.co' }] }, { onProgress: 5 }), ValidationError);
  assert.equal(s.seen.length, 0);
});

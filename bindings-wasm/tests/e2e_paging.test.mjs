// Paged lists and chunked bulk writes end to end against the sandbox (the Rust twin is
// transport/tests/paging.rs). Each test works in a project of its own, so the lists it reads
// hold only what it wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './pkg.mjs';
import { info, skip, admin, stats, messages } from './sandbox.mjs';

const { AutoSend, PermissionError } = sdk;
const base = info?.url;

// A fresh project (created through the account API) and a project key for it.
async function freshProjectClient(extra = {}) {
  const account = new AutoSend(info.keys.account[0], { baseUrl: base });
  const project = await account.projects.create({ name: `js paging ${Date.now()} ${Math.random()}` });
  const id = project.id ?? project.project?.id;
  assert.equal(typeof id, 'string', `projects.create gave no id: ${JSON.stringify(project)}`);
  const { key } = await admin('POST', '/_sandbox/keys', { kind: 'project', project_id: id });
  return new AutoSend(key, { baseUrl: base, ...extra });
}

const contacts = (n) => Array.from({ length: n }, (_, i) => ({ email: `p${String(i).padStart(4, '0')}@example.com`, firstName: `P${i}` }));
const emailsOf = (items) => items.map((c) => c.email).sort();
const processed = async (id) => (await stats()).processed[id] ?? 0;

test('contacts.bulkUpdateAll 250 contacts, then list them back through the iterator', { skip }, async () => {
  // A fault for the next search request only, sent as x-sandbox-fault (no shared rule).
  let faultNext = null;
  const fetch = (url, init) => {
    if (faultNext && String(url).endsWith('/contact-lists/contacts/search')) {
      init = { ...init, headers: { ...init.headers, 'x-sandbox-fault': JSON.stringify(faultNext) } };
      faultNext = null;
    }
    return globalThis.fetch(url, init);
  };
  const c = await freshProjectClient({ fetch });
  const before = await processed('contacts.bulkUpdate');
  const progress = [];
  const report = await c.contacts.bulkUpdateAll({ contacts: contacts(250) }, { onProgress: (p) => progress.push(p) });
  assert.equal(report.allAccepted, true, JSON.stringify(report.chunks.map((x) => x.status)));
  assert.deepEqual(report.counts, { accepted: 250, refused: 0, may_have_been_delivered: 0, not_attempted: 0 });
  assert.deepEqual(progress.map((p) => [p.chunksDone, p.chunksTotal, p.itemsDone]), [[1, 3, 100], [2, 3, 200], [3, 3, 250]]);
  assert.equal((await processed('contacts.bulkUpdate')) - before, 3);

  const pagesBefore = await processed('contactLists.searchContacts');
  const listed = [];
  for await (const contact of c.contactLists.searchContacts({ contactListId: 'GLOBAL_CONTACT_LIST' })) listed.push(contact);
  assert.equal(listed.length, 250, 'every contact once');
  assert.deepEqual(emailsOf(listed), emailsOf(contacts(250)));
  assert.equal((await processed('contactLists.searchContacts')) - pagesBefore, 3, 'three pages of 100');

  // Page by page, with the metadata; a failed page names where to resume.
  const first = await c.contactLists.searchContacts({ contactListId: 'GLOBAL_CONTACT_LIST', limit: 100 });
  assert.deepEqual(first.page, { page: 1, limit: 100, total: 250, pages: 3, hasMore: true });
  faultNext = { status: 403 };
  const err = await first.nextPage().catch((e) => e);
  assert.ok(err instanceof PermissionError, String(err));
  assert.equal(err.page, 2);
  const rest = await c.contactLists
    .searchContacts({ contactListId: 'GLOBAL_CONTACT_LIST', limit: 100, page: err.page })
    .toArray({ limit: 1000 });
  assert.deepEqual(emailsOf([...first.items, ...rest]), emailsOf(contacts(250)));
});

test('emails.bulkAll 1001 recipients, the third chunk reset after processing: each recipient once', { skip }, async () => {
  // The fault rides on the third bulk request only (x-sandbox-fault), so no other test's
  // request can take it.
  let bulkRequests = 0;
  const fetch = (url, init) => {
    if (String(url).endsWith('/mails/bulk') && ++bulkRequests === 3) {
      init = { ...init, headers: { ...init.headers, 'x-sandbox-fault': JSON.stringify({ reset: 'after' }) } };
    }
    return globalThis.fetch(url, init);
  };
  const c = await freshProjectClient({ fetch });
  const tag = `bulkAll-${Date.now()}`;
  const recipients = Array.from({ length: 1001 }, (_, i) => ({ email: `r${String(i).padStart(4, '0')}.${tag}@example.com` }));
  const before = await stats();
  let last = null;
  const report = await c.emails.bulkAll(
    { from: { email: 'hello@mail.example.com' }, subject: tag, html: '<p>Hi</p>', recipients },
    { onProgress: (p) => (last = p) },
  );
  const after = await stats();
  assert.deepEqual(last, { chunksDone: 11, chunksTotal: 11, itemsDone: 1001, itemsTotal: 1001 });
  const want = Array(11).fill('accepted');
  want[2] = 'may_have_been_delivered';
  assert.deepEqual(report.chunks.map((x) => x.status), want);
  assert.deepEqual(report.counts, { accepted: 901, refused: 0, may_have_been_delivered: 100, not_attempted: 0 });
  assert.equal(report.chunks[2].error.mayHaveBeenDelivered, true);
  assert.equal(report.retrySafe, false);
  assert.deepEqual(report.itemsWith('may_have_been_delivered').map((i) => i.index), Array.from({ length: 100 }, (_, i) => 200 + i));
  assert.equal(bulkRequests, 11, 'the lost chunk was not re-sent');
  // The sandbox processed every chunk exactly once (including the lost one).
  assert.equal((after.processed['emails.bulk'] ?? 0) - (before.processed['emails.bulk'] ?? 0), 11);
  const accepted = report.chunks.filter((x) => x.data).reduce((n, x) => n + x.data.successCount, 0);
  assert.equal(accepted, 901);
  // Every recipient received exactly one mail.
  const got = (await messages()).filter((m) => m.subject === tag).flatMap((m) => (Array.isArray(m.to) ? m.to : [m.to]).map((t) => t.email ?? t));
  assert.equal(got.length, 1001, 'one mail per recipient');
  assert.deepEqual([...got].sort(), recipients.map((r) => r.email).sort());
});

test('contactLists.bulkAddAll 501 emails into a list in two chunks', { skip }, async () => {
  const c = await freshProjectClient();
  const list = await c.contactLists.create({ name: 'bulkAddAll' });
  const emails = Array.from({ length: 501 }, (_, i) => `n${i}@example.com`);
  const report = await c.contactLists.bulkAddAll({ contactListId: list.id, emails });
  assert.equal(report.chunksTotal, 2);
  assert.equal(report.allAccepted, true, JSON.stringify(report.chunks.map((x) => x.error?.message)));
  const members = await c.contactLists.searchContacts({ contactListId: list.id }).toArray({ limit: 2000 });
  assert.deepEqual(members.map((m) => m.email).sort(), [...emails].sort());
});

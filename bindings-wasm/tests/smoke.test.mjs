// Every catalog endpoint at least once against the sandbox, through the namespace methods, in
// the order and with the sample params of the Rust smoke test (tests/smoke.generated.json is
// generated from the API description by tools/codegen/gen_ts.py, reusing gen_rust.py's
// rules); OVERRIDES, CAPTURE and EXPECTED_ERRORS mirror transport/tests/common/mod.rs.
// Then realistic flows: template → send → status; campaign create → pause → resume → abort;
// domain add → verify; inbound list → attachment bytes → reply (202).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sdk } from './pkg.mjs';
import { info, skip, admin, messages } from './sandbox.mjs';

const { AutoSend, endpoints } = sdk;
const base = info?.url;
const TABLE = JSON.parse(readFileSync(new URL('./smoke.generated.json', import.meta.url), 'utf8')).endpoints;

const OVERRIDES = {
  'emails.send': { from: { email: 'hello@mail.example.com' }, to: { email: 'smoke@example.com' }, subject: 'Smoke', html: '<p>smoke</p>' },
  'emails.bulk': {
    from: { email: 'hello@mail.example.com' },
    recipients: [{ email: 'smoke1@example.com' }, { email: 'smoke2@example.com' }],
    subject: 'Smoke',
    html: '<p>smoke</p>',
  },
  'contacts.create': { email: 'smoke@example.com', firstName: 'Smoke' },
  'contacts.upsert': { email: 'smoke-user@example.com', userId: 'smoke-user' },
  'contacts.remove': { emails: ['smoke@example.com'] },
  'contacts.searchByEmails': { emails: ['smoke@example.com'] },
  'contacts.bulkUpdate': { contacts: [{ email: 'bulk@example.com' }] },
  'contactProperties.create': { name: 'smokeProp', type: 'string' },
  'customFields.create': { fieldName: 'smokeField', fieldType: 'string' },
  'templates.create': { templateName: 'Smoke', subject: 'Hi {{firstName}}', emailTemplate: '<p>Hi {{firstName}}</p>' },
  'templates.updatePreviewText': { previewText: 'Peek' },
  'senders.create': { email: 'sender@verified.example.com', name: 'Smoke' },
  'campaigns.create': { name: 'Smoke', subject: 'Smoke', htmlTemplate: '<p>smoke</p>' },
  'campaigns.update': { name: 'Smoke 2', sendNow: true },
  'automations.create': {
    name: 'Smoke',
    steps: [
      { type: 'wait', delay: { value: 1, unit: 'hours' } },
      { type: 'email', email: { subject: 'Hi', htmlTemplate: '<p>Hi</p>' } },
    ],
  },
  'automations.update': { name: 'Smoke 2', active: true },
  'events.create': { eventName: 'smoke_event' },
  'events.update': { description: 'Smoke' },
  'events.send': { eventName: 'smoke_event', email: 'bulk@example.com' },
  'domains.create': { domain: 'smoke.example.com' },
  'contactLists.create': { name: 'Smoke' },
  'contactLists.searchContacts': { contactListId: '${contactLists.contactListId}' },
  'contactLists.bulkAdd': { contactListId: '${contactLists.contactListId}', emails: ['smoke@example.com'] },
  'contactLists.removeContacts': { emails: ['smoke@example.com'] },
  'suppressionGroups.create': { name: 'Smoke' },
  'suppressionGroups.update': { name: 'Smoke 2' },
  'suppressionGroups.suppress': { emails: ['suppressed@example.com'], groupId: '${suppressionGroups.groupId}' },
  'suppressionGroups.unsuppress': { emails: ['suppressed@example.com'], groupId: '${suppressionGroups.groupId}' },
  'projects.create': { name: 'Smoke' },
  'webhooks.create': { url: 'https://hooks.example.com/smoke', events: ['email.delivered'] },
  'webhooks.update': { isActive: true },
  'webhooks.resend': { event: 'email.delivered', data: { emailId: 'smoke' } },
  'inbound.attachment': { idx: '0' },
  'inbound.reply': { from: { email: 'support@${inbound.domainName}' }, text: 'Thanks' },
};

// (from, namespace, param, JSON pointers into data)
const CAPTURE = [
  ['emails.send', 'emails', 'id', ['/emailId']],
  ['contacts.create', 'contacts', 'id', ['/id']],
  ['contacts.upsert', 'contacts', 'userId', ['/userId']],
  ['contactProperties.create', 'contactProperties', 'propertyName', ['/name', '/fieldName']],
  ['customFields.create', 'customFields', 'customFieldName', ['/fieldName']],
  ['templates.create', 'templates', 'templateId', ['/templateId']],
  ['senders.create', 'senders', 'senderId', ['/sender/id', '/id']],
  ['campaigns.create', 'campaigns', 'campaignId', ['/id']],
  ['automations.create', 'automations', 'id', ['/id']],
  ['events.create', 'events', 'eventName', ['/eventName']],
  ['domains.create', 'domains', 'domainId', ['/id']],
  ['contactLists.create', 'contactLists', 'contactListId', ['/id']],
  ['suppressionGroups.create', 'suppressionGroups', 'groupId', ['/groupId', '/id']],
  ['projects.create', 'projects', 'projectId', ['/id']],
  ['webhooks.create', 'webhooks', 'id', ['/webhook/id', '/id']],
  ['inbound.list', 'inbound', 'domainName', ['/items/0/domainName']],
];

// Refused by the sandbox's state rules although the method reached it: id → error kind.
const EXPECTED_ERRORS = {
  // Only drafts can be deleted; the smoke campaign was sent, paused, resumed and aborted.
  'campaigns.delete': 'api_validation',
};

function merge(baseValue, over) {
  if (baseValue && over && typeof baseValue === 'object' && typeof over === 'object' && !Array.isArray(baseValue) && !Array.isArray(over)) {
    const out = { ...baseValue };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return over;
}

function pointer(v, p) {
  return p
    .split('/')
    .slice(1)
    .reduce((x, k) => (x === undefined || x === null ? undefined : x[k]), v);
}

// Keys: the project key budget is 2/s and 50/min per key, so calls rotate over a few keys of
// one fresh project (one client per key, so each key's limiter stays shared as usual).
async function setup() {
  const { key: accountKey } = await admin('POST', '/_sandbox/keys', { kind: 'account' });
  const bootstrap = new AutoSend(accountKey, { baseUrl: base });
  const project = await bootstrap.projects.create({ name: `js smoke ${Date.now()}` });
  const projectId = project.id;
  assert.equal(typeof projectId, 'string');
  const keys = [];
  for (let i = 0; i < 5; i++) keys.push((await admin('POST', '/_sandbox/keys', { kind: 'project', project_id: projectId })).key);
  const projectClients = keys.map((k) => new AutoSend(k, { baseUrl: base }));
  let turn = 0;
  const project_ = () => projectClients[turn++ % projectClients.length];
  const account = new AutoSend(accountKey, { baseUrl: base, projectId });
  const accountNoProject = new AutoSend(accountKey, { baseUrl: base });
  // Senders need a verified domain.
  const d = await project_().domains.create({ domain: 'verified.example.com' });
  await project_().domains.verify({ domainId: d.id });
  return {
    projectId,
    clientFor(scope) {
      if (scope === 'account') return account;
      if (scope === 'account_no_project') return accountNoProject;
      return project_();
    },
  };
}

test('every catalog endpoint once through the namespace methods', { skip, timeout: 240000 }, async () => {
  const ctx = await setup();
  const ids = new Map();
  const failures = [];
  const called = new Set();
  const resolve = (v) => {
    if (typeof v === 'string') {
      for (const [k, id] of ids) v = v.replaceAll('${' + k + '}', id);
      return v;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  const catalogIds = endpoints().map((e) => e.id).sort();
  assert.deepEqual(TABLE.map((r) => r.id).sort(), catalogIds, 'the smoke table covers the catalog');
  for (const row of TABLE) {
    const [ns, name] = row.id.split('.');
    let params = merge(row.sample, OVERRIDES[row.id] ?? {});
    for (const k of Object.keys(params)) if (ids.has(`${ns}.${k}`)) params[k] = ids.get(`${ns}.${k}`);
    params = resolve(params);
    const client = ctx.clientFor(row.scope);
    called.add(row.id);
    let data;
    try {
      data = await client[ns][name](params);
    } catch (e) {
      if (EXPECTED_ERRORS[row.id] !== e.kind) failures.push(`${row.id}: ${e.kind}: ${e.message}`);
      continue;
    }
    if (EXPECTED_ERRORS[row.id]) failures.push(`${row.id}: succeeded, expected ${EXPECTED_ERRORS[row.id]}`);
    const lr = data?.lastResponse;
    if (!lr || lr.status < 200 || lr.status > 299) failures.push(`${row.id}: no 2xx lastResponse`);
    else if (lr.attempts !== 1) failures.push(`${row.id}: ${lr.attempts} attempts without any fault`);
    const raw = data?.data && data.page && data.items ? data.data : data; // paged: the Page's data
    if (row.id === 'inbound.list') {
      const withFiles = raw.items?.find((m) => (m.attachmentCount ?? 0) > 0);
      if (withFiles) ids.set('inbound.id', withFiles.id);
      else failures.push(`inbound.list: no message with attachments`);
    }
    for (const [from, cns, param, pointers] of CAPTURE) {
      if (from !== row.id) continue;
      const found = pointers.map((p) => pointer(raw, p)).find((x) => typeof x === 'string');
      if (found) ids.set(`${cns}.${param}`, found);
      else failures.push(`${row.id}: no ${pointers} in ${JSON.stringify(raw)}`);
    }
    if (row.binary) {
      try {
        const bytes = await client[ns][name]({ ...params, download: true });
        if (!(bytes instanceof Uint8Array) || bytes.length === 0) failures.push(`${row.id} (bytes): empty`);
      } catch (e) {
        failures.push(`${row.id} (bytes): ${e.kind}: ${e.message}`);
      }
    }
  }
  assert.deepEqual(catalogIds.filter((i) => !called.has(i)), [], 'never called');
  assert.deepEqual(failures, [], `${failures.length} of ${TABLE.length} endpoints failed`);
});

// ------------------------------------------------------------------------- realistic flows

async function flowClient() {
  const { key: accountKey } = await admin('POST', '/_sandbox/keys', { kind: 'account' });
  const account = new AutoSend(accountKey, { baseUrl: base });
  const project = await account.projects.create({ name: `js flow ${Date.now()} ${Math.random()}` });
  const { key } = await admin('POST', '/_sandbox/keys', { kind: 'project', project_id: project.id });
  return new AutoSend(key, { baseUrl: base });
}

test('flow: create a template, send with templateId, read emails.status', { skip }, async () => {
  const c = await flowClient();
  const t = await c.templates.create({ templateName: 'Welcome', subject: 'Hi {{firstName}}', emailTemplate: '<p>Hi {{firstName}}</p>' });
  assert.match(t.templateId, /^A-/);
  const sent = await c.emails.send({
    from: { email: 'hello@mail.example.com' },
    to: { email: 'ada@example.com', name: 'Ada' },
    templateId: t.templateId,
    dynamicData: { firstName: 'Ada' },
  });
  assert.equal(typeof sent.emailId, 'string');
  const got = (await messages()).find((m) => m.id === sent.emailId);
  assert.equal(got?.templateId, t.templateId);
  const status = await c.emails.status({ id: sent.emailId });
  assert.equal(status.id, sent.emailId);
});

test('flow: campaign create → send → pause → resume → abort', { skip }, async () => {
  const c = await flowClient();
  const created = await c.campaigns.create({ name: 'Launch', subject: 'Launch', htmlTemplate: '<p>launch</p>' });
  const campaignId = created.id;
  assert.equal(typeof campaignId, 'string');
  await c.campaigns.update({ campaignId, sendNow: true });
  const paused = await c.campaigns.pause({ campaignId });
  const resumed = await c.campaigns.resume({ campaignId });
  const aborted = await c.campaigns.abort({ campaignId });
  for (const r of [paused, resumed, aborted]) assert.equal(r.lastResponse.status, 200);
  const now = await c.campaigns.get({ campaignId });
  assert.match(JSON.stringify(now), /abort|cancel/i, `campaign after abort: ${JSON.stringify(now)}`);
  // Only drafts can be deleted.
  await assert.rejects(c.campaigns.delete({ campaignId }), (e) => e.kind === 'api_validation');
});

test('flow: add a domain, verify it', { skip }, async () => {
  const c = await flowClient();
  const d = await c.domains.create({ domain: 'flow.example.com' });
  assert.equal(d.verificationStatus ?? d.status ?? 'PENDING_CONFIGURATION', 'PENDING_CONFIGURATION');
  const v = await c.domains.verify({ domainId: d.id });
  assert.equal(v.verificationStatus, 'VERIFIED');
  assert.equal(v.lastResponse.message, 'Domain verification status updated');
  const again = await c.domains.get({ domainId: d.id });
  assert.match(JSON.stringify(again), /VERIFIED/);
});

test('flow: inbound list → attachment bytes → reply (202)', { skip }, async () => {
  const c = await flowClient();
  const inbox = [];
  for await (const m of c.inbound.list()) inbox.push(m);
  assert.equal(inbox.length, 3, 'the three seeded messages');
  const msg = inbox.find((m) => m.attachmentCount > 0);
  assert.ok(msg, 'a message with attachments');
  const meta = await c.inbound.attachment({ id: msg.id, idx: '0' });
  assert.equal(meta.filename, 'bytes.bin');
  const bytes = await c.inbound.attachment({ id: msg.id, idx: '0', download: true });
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], Array.from({ length: 256 }, (_, i) => i));
  assert.equal(bytes.lastResponse.contentType, 'application/octet-stream');
  const notes = await c.inbound.attachment({ id: msg.id, idx: '1', download: true });
  assert.equal(new TextDecoder().decode(notes), 'Order 1234: two items, shipped.\n');
  const reply = await c.inbound.reply({ id: msg.id, from: { email: `support@${msg.domainName}` }, text: 'Thanks, on its way' });
  assert.equal(reply.lastResponse.status, 202);
  assert.equal(reply.status, 'QUEUED');
  const recorded = (await messages()).find((m) => m.id === reply.emailId);
  assert.equal(recorded?.kind, 'reply');
});

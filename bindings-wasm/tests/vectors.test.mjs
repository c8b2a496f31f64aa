// Runs every conformance vector in tests/vectors/*.json through the JS package.
// request/response vectors go through the public API (AutoSend + a recording fetch);
// call/limiter/key vectors use the thin low-level wasm classes; webhook vectors use the public
// verifyWebhook. The expectations are the same as the Rust runner's (docs/contract.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sdk } from './pkg.mjs';

for (const n of ['AUTOSEND_API_KEY', 'AUTOSEND_ACCOUNT_API_KEY', 'AUTOSEND_PROJECT_ID', 'AUTOSEND_BASE_URL']) {
  delete process.env[n];
}

const { AutoSend, AutoSendError, verifyWebhook, _lowLevel } = sdk;
const { wasm, errorFromJson, fromThrown } = _lowLevel();
const VECTORS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors');

function clientConfig(client = {}, extra = {}) {
  return {
    apiKey: client.api_key ?? 'AS_test123',
    projectId: client.project_id ?? null,
    baseUrl: client.base_url ?? null,
    maxRetries: client.max_retries ?? null,
    retryNonIdempotent: client.retry_non_idempotent ?? null,
    timeoutMs: client.timeout_ms ?? null,
    deadlineMs: client.deadline_ms ?? null,
    encrypt: client.encrypt_payloads ?? null,
    privateLimiter: true,
    runtime: 'vectors',
    ...extra,
  };
}

function clientOptions(client = {}, extra = {}) {
  return {
    projectId: client.project_id ?? undefined,
    baseUrl: client.base_url ?? undefined,
    maxRetries: client.max_retries ?? undefined,
    retryNonIdempotent: client.retry_non_idempotent ?? undefined,
    timeout: client.timeout_ms ?? undefined,
    deadline: client.deadline_ms ?? undefined,
    _privateLimiter: true,
    ...extra,
  };
}

function headerPairs(h) {
  return Object.entries(h || {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

function bodyBytes(v) {
  if (typeof v.body_text === 'string') return new TextEncoder().encode(v.body_text);
  if (typeof v.body_base64 === 'string') return new Uint8Array(Buffer.from(v.body_base64, 'base64'));
  if (!('body' in v)) return new Uint8Array();
  return new TextEncoder().encode(JSON.stringify(v.body));
}

function fakeResponse(status, headers, bytes) {
  const h = new Headers();
  for (const [k, val] of headerPairs(headers)) h.append(k, val);
  return { status, headers: h, arrayBuffer: async () => bytes.slice().buffer };
}

function checkError(e, exp) {
  assert.ok(e instanceof AutoSendError, `want AutoSendError, got ${e}`);
  assert.equal(e.kind, exp.error, `kind (${e.message})`);
  if ('status' in exp) assert.equal(e.status ?? null, exp.status, 'status');
  if ('api_code' in exp) assert.equal(e.apiCode ?? null, exp.api_code, 'api_code');
  if ('message_contains' in exp) assert.ok(e.message.includes(exp.message_contains), `message ${e.message} lacks ${exp.message_contains}`);
  if ('retry_after_ms' in exp) assert.equal(e.retryAfter ?? null, exp.retry_after_ms, 'retry_after_ms');
  if ('request_id' in exp) assert.equal(e.requestId ?? null, exp.request_id, 'request_id');
  if ('may_have_been_delivered' in exp) assert.equal(e.mayHaveBeenDelivered, exp.may_have_been_delivered, 'may_have_been_delivered');
  if ('field' in exp) assert.equal(e.field ?? null, exp.field, 'field');
  if ('details' in exp) assert.deepEqual(e.details, exp.details, 'details');
}

// URLs: everything before `?` exactly; the query as a multiset of name=value pairs (their order
// is not part of the contract, their encoding is).
function assertSameUrl(got, want, ctx = 'url') {
  const split = (u) => {
    const i = u.indexOf('?');
    return i < 0 ? [u, []] : [u.slice(0, i), u.slice(i + 1).split('&').sort()];
  };
  assert.deepEqual(split(got), split(want), `${ctx}: got ${got}, want ${want}`);
}

// A binary success (inbound.attachment with download=true): the raw bytes and content type.
function binaryOf(result) {
  const bytes = result instanceof Uint8Array ? result : result?.bytes;
  assert.ok(bytes instanceof Uint8Array, `want raw bytes, got ${typeof result === 'object' ? JSON.stringify(result) : result}`);
  return { bytes, contentType: result.contentType ?? result.lastResponse?.contentType ?? null };
}

function checkBinary(result, exp) {
  if (!('bytes_base64' in exp)) return;
  const { bytes, contentType } = binaryOf(result);
  assert.equal(Buffer.from(bytes).toString('base64'), exp.bytes_base64, 'bytes');
  if ('content_type' in exp) assert.equal(contentType, exp.content_type, 'content_type');
}

function checkDone(done, exp) {
  if (exp.ok === true) {
    assert.ok(done.ok, `want ok, got ${JSON.stringify(done.error)}`);
    if ('data' in exp) assert.ok(isDeepStrictEqual(done.data, exp.data), `data ${JSON.stringify(done.data)} != ${JSON.stringify(exp.data)}`);
    if ('status' in exp) assert.equal(done.status, exp.status);
    if ('already_gone' in exp) assert.equal(done.alreadyGone ?? false, exp.already_gone, 'already_gone');
  } else {
    assert.ok(!done.ok, `want error ${exp.error}, got ok ${JSON.stringify(done.data)}`);
    checkError(errorFromJson(done.error), exp);
  }
}

// A success carrying the documented result fields of every endpoint (emails.send needs
// `emailId`, emails.bulk `batchId`: without them a 2xx is invalid_response).
const DOCUMENTED_OK = '{"success":true,"data":{"emailId":"e1","batchId":"b1"}}';

async function runRequest(v) {
  const exp = v.expect;
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, init });
    return fakeResponse(200, {}, new TextEncoder().encode(DOCUMENTED_OK));
  };
  let err = null;
  try {
    const c = new AutoSend(v.client?.api_key ?? 'AS_test123', clientOptions(v.client, { fetch, maxRetries: 0 }));
    await c.request(v.endpoint, v.params);
  } catch (e) {
    err = e;
  }
  if ('error' in exp) {
    assert.ok(err, `want error ${exp.error}, got a request`);
    assert.equal(sent.length, 0, 'nothing may be sent');
    checkError(err, exp);
    return;
  }
  assert.equal(err, null, `unexpected error: ${err?.message}`);
  assert.equal(sent.length, 1);
  const { url, init } = sent[0];
  assert.equal(init.method, exp.method);
  assertSameUrl(url, exp.url);
  const headers = { ...init.headers };
  assert.ok(String(headers['user-agent']).startsWith('autosend'), 'user-agent');
  delete headers['user-agent'];
  assert.deepEqual(headers, exp.headers);
  const body = init.body === undefined ? null : JSON.parse(init.body);
  assert.ok(isDeepStrictEqual(body, exp.body), `body ${JSON.stringify(body)} != ${JSON.stringify(exp.body)}`);
}

async function runResponse(v) {
  const fetch = async () => fakeResponse(v.status, v.headers, bodyBytes(v));
  const c = new AutoSend(v.client?.api_key ?? 'AS_test123', clientOptions(v.client, { fetch, maxRetries: 0 }));
  let done;
  try {
    done = { ok: true, data: await c.request(v.endpoint, v.params ?? {}) };
  } catch (e) {
    if (!(e instanceof AutoSendError)) throw e;
    done = { ok: false, e };
  }
  if (v.expect.ok === true) {
    assert.ok(done.ok, `want ok, got ${done.e?.message}`);
    if ('data' in v.expect) assert.ok(isDeepStrictEqual(done.data, v.expect.data), `data ${JSON.stringify(done.data)}`);
    checkBinary(done.data, v.expect);
  } else {
    assert.ok(!done.ok, `want error, got ${JSON.stringify(done.data)}`);
    checkError(done.e, v.expect);
  }
}

function runCall(v) {
  const client = new wasm.WasmClient(JSON.stringify(clientConfig(v.client)));
  const seed = BigInt(v.seed ?? 0);
  const call = client.call(v.endpoint, JSON.stringify(v.params ?? {}), Number(seed >> 32n), Number(seed & 0xffffffffn));
  const need = call.entropyNeeded();
  if (need > 0) call.provideEntropy(crypto.getRandomValues(new Uint8Array(need)));
  if (v.events) call.recordEvents(true);
  v.steps.forEach((step, i) => {
    const at = step.at ?? 0;
    const exp = step.expect;
    const ctx = `step ${i} (at ${at})`;
    const out = JSON.parse(call.poll(at));
    if (out.send) {
      assert.ok(exp.send, `${ctx}: want ${JSON.stringify(exp)}, got send ${out.send.attempt}`);
      if ('attempt' in exp.send) assert.equal(out.send.attempt, exp.send.attempt, ctx);
      if ('method' in exp.send) assert.equal(out.send.method, exp.send.method, ctx);
      if ('url' in exp.send) assertSameUrl(out.send.url, exp.send.url, ctx);
      // The body travels apart from the JSON that describes the attempt (takeBody).
      checkSentHeaders({ ...out.send, body: out.send.hasBody ? call.takeBody() : undefined }, exp.send, ctx);
      if (step.respond) {
        call.handleResponse(at, step.respond.status, JSON.stringify(headerPairs(step.respond.headers)), bodyBytes(step.respond));
      } else if (step.transport_error) {
        call.handleTransportError(at, step.transport_error);
      }
    } else if (out.wait !== undefined) {
      if ('wait' in exp) assert.equal(out.wait, exp.wait, `${ctx}: wait`);
      else if ('wait_min' in exp) {
        assert.ok(out.wait >= exp.wait_min && out.wait <= exp.wait_max, `${ctx}: wait ${out.wait} not in [${exp.wait_min}, ${exp.wait_max}]`);
      } else assert.fail(`${ctx}: want ${JSON.stringify(exp)}, got wait ${out.wait}`);
    } else {
      assert.ok(exp.done, `${ctx}: want ${JSON.stringify(exp)}, got done ${JSON.stringify(out.done)}`);
      checkDone(out.done, exp.done);
    }
  });
  if (v.events) checkEvents(v.events, JSON.parse(call.takeEvents()));
  call.free();
  client.free();
}

// call_events.json (docs/contract.md, Call events): same count, in order, every field given.
// The vectors spell fields in snake_case; JS events are camelCase.
function checkEvents(want, got) {
  assert.equal(got.length, want.length, `events: want ${want.length}, got ${JSON.stringify(got)}`);
  const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  want.forEach((w, i) => {
    for (const [k, val] of Object.entries(w)) {
      assert.deepEqual(got[i][camel(k)], val, `event ${i}: ${k} in ${JSON.stringify(got[i])}`);
    }
  });
}

// jwe.json: `headers` (a subset; null = absent) and `encrypted` (the body is exactly
// {"encryptedData": "<five base64url parts>"}).
function checkSentHeaders(sent, exp, ctx) {
  const got = Object.fromEntries(sent.headers.map(([k, v]) => [k.toLowerCase(), v]));
  for (const [k, want] of Object.entries(exp.headers ?? {})) {
    assert.equal(got[k] ?? null, want, `${ctx}: header ${k}`);
  }
  if ('encrypted' in exp) {
    let sealed = false;
    try {
      const b = JSON.parse(sent.body);
      sealed = Object.keys(b).length === 1 && typeof b.encryptedData === 'string' &&
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}$/.test(b.encryptedData);
    } catch {}
    assert.equal(sealed, exp.encrypted, `${ctx}: encrypted`);
  }
}

function runLimiter(v) {
  const lim = v.limits ?? {};
  const l = new wasm.WasmRateLimiter(lim.per_second ?? 0, lim.per_minute ?? 0, lim.second_ms, lim.minute_ms);
  let grants = 0;
  v.steps.forEach((step, i) => {
    if ('settle' in step) return l.settle(step.settle, step.at);
    if ('refund' in step) return l.refund(step.refund);
    if ('block' in step) return l.blockFor(step.at, step.block);
    for (let r = 0; r < (step.repeat ?? 1); r++) {
      const w = l.acquire(step.at);
      if (step.expect === 'go') assert.equal(w, 0, `step ${i}: want go, got wait ${w}`);
      else assert.equal(w, step.expect.wait, `step ${i}: wait`);
      if (w === 0) {
        grants += 1;
        if (v.answers === 'instant') l.settle(grants, step.at);
      }
    }
  });
  l.free();
}

function runKey(v) {
  const input = v.input.key;
  const secret = input.trim().split('_').slice(1).join('_');
  try {
    const k = JSON.parse(wasm.parseKey(input));
    if (secret.length >= 8) assert.ok(!`${k.redacted} ${k.debug} ${k.display}`.includes(secret), 'key shown');
    assert.equal(k.kind, v.expect.key_kind, `want ${JSON.stringify(v.expect)}`);
  } catch (thrown) {
    if (thrown instanceof assert.AssertionError) throw thrown;
    const e = fromThrown(thrown);
    assert.ok(v.expect.error, `want ${JSON.stringify(v.expect)}, got error ${e.message}`);
    if (secret.length >= 6) assert.ok(!e.message.includes(secret), 'error echoes the key');
    checkError(e, v.expect);
  }
  // The public constructor refuses the same keys, without echoing them.
  if (v.expect.error && input.trim() !== '') {
    assert.throws(() => new AutoSend(input), (e) => e.kind === v.expect.error && !(secret.length >= 6 && e.message.includes(secret)));
  }
}

function runWebhook(v) {
  const o = v.options || {};
  let ev = null;
  let err = null;
  try {
    ev = verifyWebhook(v.body, v.headers, v.secret, {
      now: v.now_ms,
      tolerancePastMs: o.tolerance_past_ms,
      toleranceFutureMs: o.tolerance_future_ms,
    });
  } catch (e) {
    err = e;
  }
  if (v.expect.ok) {
    assert.equal(err, null, `want ok, got ${err?.message}`);
    if (v.expect.type) assert.equal(ev.type, v.expect.type);
  } else {
    assert.ok(err, `want ${v.expect.error}, got ok`);
    checkError(err, v.expect);
  }
}

// pager (docs/contract.md `pager`): the core's Pager through the wasm class the public Page
// objects use; the first request goes through the public client with a recording fetch.
async function runPager(v) {
  let pager;
  try {
    pager = new wasm.WasmPager(v.endpoint, JSON.stringify(v.params ?? {}), v.start_page ?? 0);
  } catch (thrown) {
    const e = fromThrown(thrown);
    assert.ok(v.expect_error, `want a pager, got error ${e.message}`);
    checkError(e, v.expect_error);
    return;
  }
  assert.ok(!v.expect_error, `want error ${JSON.stringify(v.expect_error)}, got a pager`);
  try {
    if (v.first_request) {
      const fr = v.first_request;
      const sent = [];
      const fetch = async (url, init) => {
        sent.push({ url, init });
        return fakeResponse(200, {}, new TextEncoder().encode(DOCUMENTED_OK));
      };
      const c = new AutoSend('AS_test123', clientOptions({}, { fetch, maxRetries: 0 }));
      await c.request(v.endpoint, JSON.parse(pager.nextParams()));
      assert.equal(sent.length, 1);
      assert.equal(sent[0].init.method, fr.method);
      assertSameUrl(sent[0].url, fr.url, 'first request');
      const body = sent[0].init.body === undefined ? null : JSON.parse(sent[0].init.body);
      assert.ok(isDeepStrictEqual(body, fr.body), `first request body ${JSON.stringify(body)} != ${JSON.stringify(fr.body)}`);
    }
    (v.pages ?? []).forEach((step, i) => {
      const ctx = `page step ${i}`;
      const got = JSON.parse(pager.nextParams());
      assert.ok(isDeepStrictEqual(got, step.expect_params), `${ctx}: next_params ${JSON.stringify(got)} != ${JSON.stringify(step.expect_params)}`);
      const exp = step.expect;
      let info = null;
      let err = null;
      try {
        info = JSON.parse(pager.handlePage(JSON.stringify(step.data)));
      } catch (thrown) {
        err = fromThrown(thrown);
      }
      if ('error' in exp) {
        assert.ok(err, `${ctx}: want error ${exp.error}, got ${JSON.stringify(info)}`);
        checkError(err, exp);
        return;
      }
      assert.equal(err, null, `${ctx}: want a page, got ${err?.message}`);
      if ('item_count' in exp) assert.equal(info.items.length, exp.item_count, `${ctx}: item_count`);
      for (const k of ['items', 'page', 'limit', 'total', 'pages', 'has_more']) {
        if (k in exp) assert.ok(isDeepStrictEqual(info[k] ?? null, exp[k]), `${ctx}: ${k} ${JSON.stringify(info[k])} != ${JSON.stringify(exp[k])}`);
      }
    });
    const end = v.expect_end ?? {};
    if ('next_params' in end && end.next_params === null) assert.equal(pager.nextParams(), 'null', 'want the list exhausted');
    if ('next_page' in end) assert.equal(pager.page(), end.next_page, 'next_page');
    if ('items_seen' in end) assert.equal(pager.itemsSeen(), end.items_seen, 'items_seen');
    if ('pages_done' in end) assert.equal(pager.pagesDone(), end.pages_done, 'pages_done');
  } finally {
    pager.free();
  }
}

// chunk (docs/contract.md `chunk`): the split is checked on the core's Chunker; the run goes
// through the public bulk helper (client.<ns>.<bulk>All) with a fetch that answers each chunk
// 200 {"chunk": i, "batchId": "b<i>"} unless `outcomes[i]` says otherwise; the report is compared.
const BULK = { 'emails.bulk': ['emails', 'bulkAll'], 'contacts.bulkUpdate': ['contacts', 'bulkUpdateAll'], 'contactLists.bulkAdd': ['contactLists', 'bulkAddAll'] };

function hangUntilAborted(signal) {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
  });
}

async function runChunk(v) {
  let chunker;
  try {
    chunker = new wasm.WasmChunker(v.endpoint, JSON.stringify(v.params));
  } catch (thrown) {
    const e = fromThrown(thrown);
    assert.ok(v.expect_error, `want a chunker, got error ${e.message}`);
    checkError(e, v.expect_error);
    // The public helper refuses the same call, before sending anything.
    if (BULK[v.endpoint]) {
      const [ns, name] = BULK[v.endpoint];
      let sent = 0;
      const c = new AutoSend('AS_test123', clientOptions({}, { fetch: async () => { sent++; }, maxRetries: 0 }));
      await assert.rejects(c[ns][name](v.params), (x) => x.kind === v.expect_error.error);
      assert.equal(sent, 0, 'nothing may be sent');
    }
    return;
  }
  assert.ok(!v.expect_error, `want error ${JSON.stringify(v.expect_error)}, got a chunker`);
  const exp = v.expect;
  const field = exp.field;
  const layout = JSON.parse(chunker.layout());
  assert.equal(layout.field, field, 'field');
  assert.equal(layout.chunkSize, exp.chunk_size, 'chunk_size');
  const chunks = [];
  for (let i = 0; i < layout.chunks; i++) chunks.push(JSON.parse(chunker.chunkParams(i)));
  const sizes = chunks.map((p) => p[field].length);
  assert.deepEqual(sizes, exp.chunk_sizes, 'chunk sizes');
  assert.ok(isDeepStrictEqual(chunks.flatMap((p) => p[field]), v.params[field]), "the chunks' items are not the caller's items in order");
  for (const [i, p] of chunks.entries()) {
    for (const k of exp.shared ?? []) assert.ok(isDeepStrictEqual(p[k], v.params[k]), `chunk ${i}: shared field ${k} not copied`);
  }
  // A chunk is handed out once and recorded once.
  const first = JSON.parse(chunker.nextChunk());
  assert.equal(first.index, 0);
  chunker.recordOk(0, '{}');
  assert.throws(() => chunker.recordOk(0, '{}'), 'a chunk recorded twice');
  chunker.free();

  const byItems = new Map(chunks.map((p, i) => [JSON.stringify(p[field]), i]));
  let requests = 0;
  const fetch = async (url, init) => {
    requests++;
    const body = JSON.parse(init.body);
    const i = byItems.get(JSON.stringify(body[field]));
    assert.ok(i !== undefined, `request ${requests}: its ${field} is not one chunk`);
    const outcome = v.outcomes?.[String(i)];
    if (outcome?.transport_error === 'timeout') return hangUntilAborted(init.signal);
    if (outcome?.transport_error === 'connect') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    if (outcome?.transport_error === 'connection_lost') throw new TypeError('fetch failed');
    if (outcome?.respond) return fakeResponse(outcome.respond.status, outcome.respond.headers, bodyBytes(outcome.respond));
    return fakeResponse(200, {}, new TextEncoder().encode(JSON.stringify({ success: true, data: { chunk: i, batchId: `b${i}` } })));
  };
  const c = new AutoSend(v.client?.api_key ?? 'AS_test123', clientOptions(v.client, {
    fetch, maxRetries: 0, timeout: 50, rateLimits: { perSecond: 100000, perMinute: 1000000 },
  }));
  const [ns, name] = BULK[v.endpoint];
  const progress = [];
  const report = await c[ns][name](v.params, { onProgress: (p) => progress.push(p) });
  const er = v.expect_report;
  assert.deepEqual(report.chunks.map((x) => x.status), er.chunk_status, 'chunk status');
  if ('counts' in er) assert.deepEqual(report.counts, er.counts, 'counts');
  if ('stopped' in er) assert.equal(report.stopped, er.stopped, 'stopped');
  if ('retry_safe' in er) assert.equal(report.retrySafe, er.retry_safe, 'retry_safe');
  if ('requests' in er) assert.equal(requests, er.requests, 'requests sent');
  for (const [i, want] of Object.entries(er.chunk_errors ?? {})) {
    const err = report.chunks[Number(i)].error;
    assert.ok(err, `chunk ${i}: want an error`);
    checkError(err, want);
  }
  for (const [idx, status] of er.item_checks ?? []) assert.equal(report.items[idx].status, status, `item ${idx}`);
  assert.equal(report.items.length, v.params[field].length, 'every item listed');
  report.items.forEach((it, i) => {
    assert.equal(it.index, i, 'items in order');
    assert.ok(isDeepStrictEqual(it.item, v.params[field][i]), `item ${i} carries the caller's value`);
  });
  const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
  assert.equal(total, v.params[field].length, 'counts add up');
  assert.ok(progress.length >= 1 && progress.length <= chunks.length, 'progress once per chunk sent');
  const last = progress.at(-1);
  assert.equal(last.chunksTotal, chunks.length);
  if (!report.stopped) assert.equal(last.itemsDone, v.params[field].length, 'progress reaches every item');
}

// A reply of the shared budget's Redis scripts, read by the core.
function runBudgetReply(v) {
  const got = JSON.parse(wasm.budgetInterpret(v.op, JSON.stringify(v.reply)));
  assert.deepStrictEqual(got, v.expect);
}

const RUNNERS = {
  budget_reply: runBudgetReply,
  request: runRequest,
  response: runResponse,
  call: runCall,
  limiter: runLimiter,
  key: runKey,
  webhook: runWebhook,
  pager: runPager,
  chunk: runChunk,
};

// The shared skip list (docs/contract.md: pending vectors): a listed vector must still fail; it is
// reported as skipped with its reason, and a listed vector that passes fails the suite.
const PENDING_FILE = 'pending.json';
const pendingDoc = (() => {
  try {
    return JSON.parse(readFileSync(path.join(VECTORS, PENDING_FILE), 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return { pending: [] };
    throw e;
  }
})();
const PENDING = new Map(
  pendingDoc.pending.filter((p) => !p.runners || p.runners.includes('node')).map((p) => [p.name, p.reason]),
);

const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json') && f !== PENDING_FILE).sort();
const seen = new Set();
test('vector files are present', () => assert.ok(files.length >= 9, `${files.length} files`));
for (const file of files) {
  const doc = JSON.parse(readFileSync(path.join(VECTORS, file), 'utf8'));
  for (const v of doc.vectors) {
    seen.add(v.name);
    test(`${file}: ${v.name}`, async (t) => {
      const run = RUNNERS[v.kind];
      assert.ok(run, `unknown kind ${v.kind}`);
      if (!PENDING.has(v.name)) {
        await run(v);
        return;
      }
      let failure = null;
      try {
        await run(v);
      } catch (e) {
        failure = e;
      }
      assert.ok(failure, `${v.name} is listed in tests/vectors/${PENDING_FILE} but passes now: remove it from the list`);
      t.skip(`pending: ${PENDING.get(v.name)} (${String(failure.message ?? failure).split('\n')[0]})`);
    });
  }
}
test('every pending vector exists', () => {
  const missing = [...PENDING.keys()].filter((n) => !seen.has(n));
  assert.deepEqual(missing, [], `listed in ${PENDING_FILE} but no vector has this name`);
});

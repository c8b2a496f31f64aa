// The cross-language fault matrix (tests/faults/matrix.json) through the JS client: every case
// against the sandbox or the misbehaving HTTPS server (started by test.sh, $AUTOSEND_MISBEHAVE;
// both CAs are in NODE_EXTRA_CA_CERTS). Rust, Python and C run the same file. A pending case
// passes with a PENDING diagnostic (the suite refuses skips).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import util from 'node:util';
import { sdk } from './pkg.mjs';
import { info, admin, stats } from './sandbox.mjs';

const { AutoSend, AutoSendError } = sdk;
const LANG = 'node';
const MATRIX = JSON.parse(
  fs.readFileSync(new URL('../../tests/faults/matrix.json', import.meta.url), 'utf8'),
);
const MB = process.env.AUTOSEND_MISBEHAVE ? JSON.parse(process.env.AUTOSEND_MISBEHAVE) : null;
const skip = info && MB ? false : 'no sandbox or misbehaving server (run bindings-wasm/test.sh)';

function pending(c) {
  if (typeof c.pending === 'string') return c.pending;
  if (c.pending && typeof c.pending === 'object') return c.pending[LANG] ?? null;
  return null;
}

async function received() {
  const res = await fetch(`${MB.url}/_stats`);
  return (await res.json()).received;
}

MATRIX.cases.forEach((c, i) => {
  test(`fault matrix: ${c.name}`, { skip }, async (t) => {
    const why = pending(c);
    if (why) {
      t.diagnostic(`PENDING ${c.name}: ${why}`);
      console.log(`PENDING ${c.name}: ${why}`);
      return;
    }
    const cls = MATRIX.classes[c.class];
    const cl = MATRIX.client;
    const key = `AS_matrixjs${i}x${7_000_000 + i * 7919}`;
    const secret = key.slice(3);
    let baseUrl;
    let before;
    if (c.server === 'sandbox') {
      await admin('POST', '/_sandbox/keys', { key });
      await admin('POST', '/_sandbox/faults', { path: cls.path, times: 1, fault: c.fault });
      baseUrl = info.url;
      before = (await stats()).processed;
    } else {
      baseUrl = c.behaviour === 'tlsstall' ? `${MB.stall_url}/v1` : `${MB.url}/${c.behaviour}/v1`;
      before = await received();
    }
    const client = new AutoSend(key, {
      baseUrl,
      maxRetries: cl.max_retries,
      timeout: cl.timeout_ms,
      deadline: cl.deadline_ms,
    });
    const exp = c.expect;
    const problems = [];
    try {
      await client.request(cls.endpoint, structuredClone(cls.params));
      if (!exp.ok) problems.push('succeeded, expected an error');
    } catch (e) {
      if (!(e instanceof AutoSendError)) throw e;
      if (exp.ok) problems.push(`failed with ${e.kind}: ${e.message}`);
      if (exp.error && e.kind !== exp.error) problems.push(`kind ${e.kind}, expected ${exp.error} (${e.message})`);
      if (exp.error_in && !exp.error_in.includes(e.kind)) {
        problems.push(`kind ${e.kind}, expected one of ${exp.error_in} (${e.message})`);
      }
      if (exp.status !== undefined && e.status !== exp.status) problems.push(`status ${e.status}, expected ${exp.status}`);
      if (exp.may_have_been_delivered !== undefined && e.mayHaveBeenDelivered !== exp.may_have_been_delivered) {
        problems.push(`mayHaveBeenDelivered ${e.mayHaveBeenDelivered}, expected ${exp.may_have_been_delivered}`);
      }
      const texts = `${e} ${e.message} ${util.inspect(e)} ${JSON.stringify(e.details)} ${e.stack}`;
      if (texts.includes(secret)) problems.push('the key appears in the error');
    }
    if (c.server === 'sandbox') {
      const after = (await stats()).processed;
      await admin('DELETE', '/_sandbox/faults');
      const n = (after[cls.endpoint] ?? 0) - (before[cls.endpoint] ?? 0);
      if (exp.processed !== undefined && n !== exp.processed) problems.push(`processed ${n} times, expected ${exp.processed}`);
      if (exp.processed_at_most !== undefined && n > exp.processed_at_most) {
        problems.push(`processed ${n} times, expected at most ${exp.processed_at_most}`);
      }
    } else {
      const after = await received();
      for (const [b, want] of Object.entries(exp.received ?? {})) {
        const got = (after[b] ?? 0) - (before[b] ?? 0);
        if (got !== want) problems.push(`${b} received ${got} requests, expected ${want}`);
      }
    }
    assert.deepEqual(problems, [], `${c.name}: ${problems.join('; ')}`);
  });
});

// Node's default path (no `options.fetch`): attempts go to the client's undici Agent through
// the dispatcher API instead of fetch (bench/NOTES.md, sixth round). These tests run it
// against loopback servers and check what fetch used to guarantee: the request as the core
// built it and nothing else, no redirect followed, coded bodies decoded, a request never
// written is `connect` (retried even for a send), a written one never re-sent, the caller's
// signal and the per-attempt timeout, and a replaced globalThis.fetch still honoured.
// Servers listen on loopback only and are closed at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dc from 'node:diagnostics_channel';
import { gzipSync, deflateSync, deflateRawSync, brotliCompressSync } from 'node:zlib';
import { sdk } from './pkg.mjs';
import { withServer as serve, withBody } from './loopback.mjs';
import { info as sandbox, skip, newKey, messages, mail } from './sandbox.mjs';

const { AutoSend, ConnectionError, ConnectionLostError, TimeoutError, AbortedError, InvalidResponseError, ApiError } = sdk;
const MAIL = { from: { email: 'a@example.com' }, to: { email: 'b@example.com' }, subject: 's', html: 'h' };
const OK = JSON.stringify({ success: true, data: { emailId: 'e1' } });

// Every server here hands its handler the request body too.
const withServer = (handler, fn) => serve(withBody(handler), fn);

// A port that refuses connections: bound, then closed.
async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

function client(key, baseUrl, extra = {}) {
  return new AutoSend(key, { baseUrl, _privateLimiter: true, ...extra });
}

test('the request goes out as the core built it: method, path, query, headers, body; no accept-encoding added', async () => {
  const seen = [];
  await withServer(
    (req, res, body) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'GET' ? JSON.stringify({ success: true, data: { id: 'c1' } }) : OK);
    },
    async (baseUrl) => {
      const c = client('AS_dispatch0123456789', baseUrl);
      const sent = await c.emails.send(MAIL);
      assert.equal(sent.emailId, 'e1');
      assert.equal(sent.lastResponse.status, 200);
      const got = await c.contacts.get({ id: 'c 1/x' });
      assert.equal(got.id, 'c1');
    },
  );
  assert.equal(seen.length, 2);
  const [post, get] = seen;
  assert.equal(post.method, 'POST');
  assert.equal(post.url, '/v1/mails/send');
  assert.deepEqual(JSON.parse(post.body), MAIL);
  assert.equal(post.headers.authorization, 'Bearer AS_dispatch0123456789');
  assert.equal(post.headers['content-type'], 'application/json');
  assert.equal(post.headers['content-length'], String(Buffer.byteLength(post.body)));
  assert.match(post.headers['user-agent'], /^autosend\//);
  assert.equal(post.headers['accept-encoding'], undefined, 'no coding is asked for (as the native transports)');
  assert.equal(get.method, 'GET');
  assert.equal(get.url, '/v1/contacts/c%201%2Fx');
  assert.equal(get.body, '');
  assert.equal(get.headers['content-length'], undefined);
});

test('a redirect is not followed: one request, the 3xx goes to the core', async () => {
  const paths = [];
  await withServer(
    (req, res) => {
      paths.push(req.url);
      res.writeHead(307, { location: '/elsewhere', 'content-type': 'application/json' });
      res.end('{}');
    },
    async (baseUrl) => {
      const err = await client('AS_dispatchredirect01', baseUrl, { maxRetries: 2 }).emails.send(MAIL).catch((e) => e);
      assert.ok(err instanceof ApiError || err instanceof InvalidResponseError, String(err));
      assert.equal(err.status, 307);
    },
  );
  assert.deepEqual(paths, ['/v1/mails/send']);
});

test('response headers reach the core in any case, duplicates kept (x-request-id, retry-after)', async () => {
  let n = 0;
  await withServer(
    (req, res) => {
      n++;
      if (n === 1) {
        // Node writes raw header names as given: mixed case on the wire.
        res.writeHead(429, ['Retry-After', '1', 'X-Request-Id', 'req-429', 'Content-Type', 'application/json']);
        res.end('{"success":false,"error":{"message":"slow down"}}');
        return;
      }
      res.writeHead(200, ['Content-Type', 'application/json', 'X-Request-Id', 'req-ok', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
      res.end(OK);
    },
    async (baseUrl) => {
      const t0 = Date.now();
      const r = await client('AS_dispatchheaders0001', baseUrl, { maxRetries: 1 }).emails.send(MAIL);
      assert.equal(r.lastResponse.requestId, 'req-ok');
      assert.equal(r.lastResponse.attempts, 2);
      assert.ok(Date.now() - t0 >= 900, 'Retry-After: 1 was waited out');
    },
  );
  assert.equal(n, 2);
});

for (const [coding, code] of [
  ['gzip', gzipSync],
  ['deflate', deflateSync],
  ['deflate (raw)', deflateRawSync],
  ['br', brotliCompressSync],
  ['gzip, br', (b) => brotliCompressSync(gzipSync(b))],
]) {
  test(`a body coded ${coding} without being asked is decoded`, async () => {
    const header = coding.replace(' (raw)', '');
    await withServer(
      (req, res) => {
        const coded = code(Buffer.from(JSON.stringify({ success: true, data: { emailId: `e-${header}` } })));
        // Raw names in mixed case, as a server may write them.
        res.writeHead(200, ['Content-Type', 'application/json', 'Content-Encoding', header, 'Content-Length', String(coded.length)]);
        res.end(coded);
      },
      async (baseUrl) => {
        const r = await client('AS_dispatchcoded000001', baseUrl).emails.send(MAIL);
        assert.equal(r.emailId, `e-${header}`);
      },
    );
  });
}

test('an unknown or broken coding leaves the bytes to the core (InvalidResponseError, may have been delivered)', async () => {
  for (const [coding, body] of [['compress', OK], ['gzip', 'not gzip at all']]) {
    await withServer(
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
        res.end(body);
      },
      async (baseUrl) => {
        const err = await client('AS_dispatchbadcoding01', baseUrl).emails.send(MAIL).catch((e) => e);
        if (coding === 'compress') {
          // The bytes are JSON: the core reads them as they came.
          assert.equal(err.emailId, 'e1');
        } else {
          assert.ok(err instanceof InvalidResponseError, `${coding}: ${err}`);
          assert.equal(err.mayHaveBeenDelivered, true);
        }
      },
    );
  }
});

test('a refused connection is `connect`: retried even for emails.send, ConnectionError, nothing delivered', async () => {
  const port = await closedPort();
  const events = [];
  const c = client('AS_dispatchrefused0001', `http://127.0.0.1:${port}/v1`, { maxRetries: 2, onEvent: (e) => events.push(e) });
  const err = await c.emails.send(MAIL).catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.equal(err.code, 300);
  assert.equal(err.mayHaveBeenDelivered, false);
  assert.equal(events.filter((e) => e.kind === 'request').length, 3, 'three attempts: nothing was ever written');
});

test('a connection reset after the request was written is never re-sent (ConnectionLostError, may have been delivered)', async () => {
  let n = 0;
  await withServer(
    (req) => {
      n++;
      req.socket.destroy();
    },
    async (baseUrl) => {
      const err = await client('AS_dispatchreset000001', baseUrl, { maxRetries: 3 }).emails.send(MAIL).catch((e) => e);
      assert.ok(err instanceof ConnectionLostError, String(err));
      assert.equal(err.mayHaveBeenDelivered, true);
    },
  );
  assert.equal(n, 1, 'one request: a written send is never repeated');
});

test('the per-attempt timeout: a held send is TimeoutError (may have been delivered) and not re-sent', async () => {
  let n = 0;
  await withServer(
    () => {
      n++; // never answers
    },
    async (baseUrl) => {
      const t0 = Date.now();
      const err = await client('AS_dispatchtimeout0001', baseUrl, { timeout: 300, maxRetries: 3 }).emails.send(MAIL).catch((e) => e);
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.mayHaveBeenDelivered, true);
      assert.ok(Date.now() - t0 < 3000);
    },
  );
  assert.equal(n, 1);
});

test('a timeout past setTimeout\'s 24.8-day limit does not fire at once', async () => {
  await withServer(
    (req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(OK);
      }, 100);
    },
    async (baseUrl) => {
      const r = await client('AS_dispatchlongtimeout', baseUrl, { timeout: 2 ** 31 + 1000 }).emails.send(MAIL);
      assert.equal(r.emailId, 'e1');
    },
  );
});

test('the caller signal: abort after the request was written says may have been delivered; the server saw one request', async () => {
  let n = 0;
  let arrived;
  const seen = new Promise((r) => (arrived = r));
  await withServer(
    () => {
      n++;
      arrived();
    },
    async (baseUrl) => {
      const ac = new AbortController();
      seen.then(() => ac.abort(new Error('gave up')));
      const err = await client('AS_dispatchabort000001', baseUrl, { maxRetries: 3, retryNonIdempotent: true }).emails.send(MAIL, { signal: ac.signal }).catch((e) => e);
      assert.ok(err instanceof AbortedError, String(err));
      assert.equal(err.cause?.message, 'gave up');
      assert.equal(err.mayHaveBeenDelivered, true);
    },
  );
  assert.equal(n, 1);
});

test('the caller signal: abort while the TLS handshake stalls says nothing was delivered; the request is never written', async () => {
  // A TCP server that accepts and never answers the TLS handshake; it records any bytes after
  // the ClientHello (an HTTP request cannot be among them without a handshake).
  const sockets = new Set();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = client('AS_dispatchstall000001', `https://127.0.0.1:${server.address().port}/v1`, { timeout: 5000, maxRetries: 0 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const t0 = Date.now();
    const err = await c.emails.send(MAIL, { signal: ac.signal }).catch((e) => e);
    assert.ok(err instanceof AbortedError, String(err));
    assert.equal(err.mayHaveBeenDelivered, false);
    assert.ok(Date.now() - t0 < 2000, 'settled at the abort, not at the timeout');
    assert.equal(accepted, 1);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

test('an abort during a slow TLS handshake: when the handshake completes later, the request is never written', { skip }, async () => {
  // A TCP relay in front of the sandbox that holds each connection 600 ms before relaying it:
  // the TLS handshake (and so undici's connection) completes long after the caller gave up.
  const target = new URL(sandbox.url);
  const sockets = new Set();
  let relayed = 0;
  const relay = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.pause();
    setTimeout(() => {
      const up = net.connect(Number(target.port), target.hostname, () => {
        relayed++;
        s.pipe(up);
        up.pipe(s);
        s.resume();
      });
      up.on('error', () => s.destroy());
      sockets.add(up);
    }, 600);
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  try {
    const key = await newKey();
    const subject = `dispatch-abort-${Date.now()}`;
    const c = new AutoSend(key, { baseUrl: `https://127.0.0.1:${relay.address().port}${target.pathname.replace(/\/$/, '')}`, timeout: 10000, maxRetries: 0 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const err = await c.emails.send(mail(subject), { signal: ac.signal }).catch((e) => e);
    assert.ok(err instanceof AbortedError, String(err));
    assert.equal(err.mayHaveBeenDelivered, false);
    // The handshake completes at ~600 ms; give a written request time to arrive.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(relayed, 1, 'the connection was relayed (the handshake could complete)');
    assert.equal((await messages()).filter((m) => m.subject === subject).length, 0, 'the request was written after the abort');
    // The same client then sends normally through the relay.
    const ok = await c.emails.send(mail(`${subject}-after`));
    assert.ok(ok.emailId);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => relay.close(r));
  }
});

test('the default path subscribes to no undici diagnostics channel; a caller fetch does, on first use', async () => {
  await withServer(
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(OK);
    },
    async (baseUrl) => {
      await client('AS_dispatchchannels001', baseUrl).emails.send(MAIL);
      assert.equal(dc.hasSubscribers('undici:client:sendHeaders'), false);
      const own = (url, init) => fetch(url, init);
      await client('AS_dispatchchannels002', baseUrl, { fetch: own }).emails.send(MAIL);
      assert.equal(dc.hasSubscribers('undici:client:sendHeaders'), true);
    },
  );
});

test('a replaced globalThis.fetch (a test mock) is still what the client calls', async () => {
  const original = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = async () => {
    calls++;
    return new Response(OK, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  try {
    const r = await new AutoSend('AS_dispatchmocked00001', { baseUrl: 'http://127.0.0.1:9/v1', _privateLimiter: true }).emails.send(MAIL);
    assert.equal(r.emailId, 'e1');
    assert.equal(calls, 1);
  } finally {
    globalThis.fetch = original;
  }
});

test('a global dispatcher the caller installed (undici MockAgent, ProxyAgent…) is used: attempts go through fetch with it', async () => {
  await fetch('data:,'); // Node's fetch installs its global dispatcher on first use
  const key = Symbol.for('undici.globalDispatcher.1');
  const original = globalThis[key];
  // A dispatcher of the caller's own class that records what went through this instance.
  class RecordingDispatcher extends original.constructor {
    seen = [];
    dispatch(opts, handler) {
      this.seen.push(`${opts.method} ${opts.path}`);
      return super.dispatch(opts, handler);
    }
  }
  const mine = new RecordingDispatcher();
  await withServer(
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(OK);
    },
    async (baseUrl) => {
      globalThis[key] = mine;
      try {
        const r = await client('AS_dispatchglobal00001', baseUrl).emails.send(MAIL);
        assert.equal(r.emailId, 'e1');
      } finally {
        globalThis[key] = original;
      }
      assert.deepEqual(mine.seen, ['POST /v1/mails/send']);
      // Node's own dispatcher back: the client's own Agent again, not the caller's.
      await client('AS_dispatchglobal00002', baseUrl).emails.send(MAIL);
      assert.equal(mine.seen.length, 1);
    },
  );
  await mine.close();
});

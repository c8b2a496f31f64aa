// Encrypted request bodies (JWE RSA-OAEP-256 + A256GCM): WebCrypto (an independent
// implementation) decrypts what the core produces, and the sandbox started by test.sh with
// --jwks-rotate-after 3 ($AUTOSEND_JWE_SANDBOX) decrypts sends, bulk sends and contact upserts
// across a key rotation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './pkg.mjs';

const { AutoSend } = sdk;
const MAIL = { from: { email: 'hello@mail.example.com' }, to: { email: 'ada@example.com' }, subject: 'Encrypted from JS', html: '<p>PII</p>' };
const b64u = (s) => Buffer.from(s, 'base64url');

async function decrypt(privateKey, compact) {
  const [h, ek, iv, ct, tag] = compact.split('.');
  const cek = await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, privateKey, b64u(ek));
  const aes = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: b64u(iv), additionalData: new TextEncoder().encode(h), tagLength: 128 },
    aes,
    Buffer.concat([b64u(ct), b64u(tag)]),
  );
  return { header: JSON.parse(b64u(h).toString()), plain: JSON.parse(new TextDecoder().decode(plain)) };
}

test('WebCrypto decrypts the body the core sealed; the JWKS is fetched once and cached', async () => {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  );
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty: 'RSA', n: pub.n, e: pub.e, kid: 'js-k1', alg: 'RSA-OAEP-256', use: 'enc' };
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url: String(url), init });
    if (String(url).endsWith('/jwks.json')) return new Response(JSON.stringify({ keys: [jwk] }), { status: 200 });
    return new Response(JSON.stringify({ success: true, data: { emailId: 'e1' } }), { status: 200 });
  };
  const c = new AutoSend('AS_jwejs1', { baseUrl: 'https://jwe-js.example/v1', fetch, encrypt: true, _privateLimiter: true });
  assert.equal((await c.emails.send(MAIL)).emailId, 'e1');
  await c.emails.send(MAIL);
  assert.deepEqual(seen.map((s) => new URL(s.url).pathname), ['/v1/jwks.json', '/v1/mails/send', '/v1/mails/send']);
  const sent = seen[1].init;
  const headers = new Headers(sent.headers);
  assert.equal(headers.get('x-payload-encryption'), 'jwe');
  assert.equal(headers.get('x-key-id'), 'js-k1');
  const body = JSON.parse(typeof sent.body === 'string' ? sent.body : new TextDecoder().decode(sent.body));
  assert.deepEqual(Object.keys(body), ['encryptedData']);
  const { header, plain } = await decrypt(pair.privateKey, body.encryptedData);
  assert.deepEqual(header, { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'js-k1' });
  assert.deepEqual(plain, MAIL);
  assert.notEqual(JSON.parse(seen[2].init.body).encryptedData, body.encryptedData, 'fresh randomness per call');
  // Per call: off on an encrypting client.
  await c.request('emails.send', MAIL, { encrypt: false });
  assert.equal(JSON.parse(seen[3].init.body).subject, MAIL.subject);
});

const info = process.env.AUTOSEND_JWE_SANDBOX ? JSON.parse(process.env.AUTOSEND_JWE_SANDBOX) : null;
const skip = info ? false : 'no JWE sandbox ($AUTOSEND_JWE_SANDBOX unset; run bindings-wasm/test.sh)';
async function admin(method, path, body) {
  const res = await fetch(info.admin_url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

test('encrypted send, bulk and upsert pass the sandbox, across a key rotation', { skip }, async () => {
  await admin('POST', '/_sandbox/reset', {});
  const c = new AutoSend(info.keys.project[0].key, { baseUrl: info.url, encrypt: true, timeout: 120000 });
  assert.equal(typeof (await c.emails.send(MAIL)).emailId, 'string');
  const bulk = await c.emails.bulk({
    from: { email: 'hello@mail.example.com' }, subject: 'Bulk', html: '<p>x</p>',
    recipients: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
  });
  assert.equal(bulk.totalRecipients, 2);
  const up = await c.contacts.upsert({ email: 'grace@example.com', firstName: 'Grace' });
  assert.equal(up.firstName, 'Grace');
  for (let i = 0; i < 3; i++) await c.emails.send({ ...MAIL, subject: `after rotation ${i}` });
  await c.request('emails.send', MAIL, { encrypt: false });
  const st = await admin('GET', '/_sandbox/stats');
  assert.equal(Object.keys(st.jwe_decrypted).length, 2, JSON.stringify(st));
  assert.equal(Object.values(st.jwe_decrypted).reduce((a, b) => a + b, 0), 6);
  assert.equal(st.rejected.INVALID_ENCRYPTED_PAYLOAD, 1);
  assert.equal(st.processed['emails.send'], 5);
  assert.equal(st.processed['contacts.upsert'], 1);
});

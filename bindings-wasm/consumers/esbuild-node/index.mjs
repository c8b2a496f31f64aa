// AWS-Lambda-style build: `esbuild --bundle --platform=node --minify` into ONE file (CommonJS,
// esbuild's default, and --format=esm), run from a directory that holds nothing else (no
// node_modules, no .wasm). Error names must survive the minifier.
import AutoSend, { AutoSendError, ValidationError, AuthenticationError, runtimeEntry } from 'autosend-sdk';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';

// A Lambda handler: no top-level await (esbuild's default cjs output has none).
async function handler(key, baseUrl) {
  assert.equal(readdirSync('.').length, 1, 'the bundle runs alone');
  assert.equal(runtimeEntry, 'node');
  const client = new AutoSend(key, { baseUrl });
  const bad = await client.emails.send({ from: { email: 'x' }, to: { email: 'y@example.com' }, subject: 's', html: 'h' }).catch((e) => e);
  assert.ok(bad instanceof ValidationError && bad instanceof AutoSendError);
  assert.equal(bad.name, 'ValidationError');
  const data = await client.emails.send({
    from: { email: 'hello@mail.example.com' }, to: { email: 'lambda@example.com' }, subject: 'from esbuild', html: '<p>esbuild</p>',
  });
  assert.equal(typeof data.emailId, 'string');
  const denied = await new AutoSend('AS_revokedOrUnknown123', { baseUrl }).emails.status({ id: data.emailId }).catch((e) => e);
  assert.equal(denied.name, 'AuthenticationError');
  assert.ok(denied instanceof AuthenticationError);
  console.log(JSON.stringify({ ok: true, emailId: data.emailId, names: [bad.name, denied.name] }));
}
handler(process.argv[2], process.argv[3]).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

// ESM consumer: import from the packed tarball; the same classes as require() (one instance).
import { AutoSend, AuthenticationError, runtimeEntry } from 'autosend-sdk';
import AutoSendDefault from 'autosend-sdk';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

assert.equal(runtimeEntry, 'node');
assert.equal(AutoSendDefault, AutoSend);
assert.equal(createRequire(import.meta.url)('autosend-sdk').AutoSend, AutoSend);
const client = new AutoSend(process.env.AUTOSEND_API_KEY, { baseUrl: process.env.AUTOSEND_BASE_URL });
const data = await client.emails.send({
  from: { email: 'hello@mail.example.com' }, to: { email: 'esm@example.com' }, subject: 'from esm', html: '<p>esm</p>',
});
assert.equal(typeof data.emailId, 'string');
const bad = new AutoSend('AS_revokedOrUnknown123', { baseUrl: process.env.AUTOSEND_BASE_URL });
await assert.rejects(bad.emails.status({ id: data.emailId }), AuthenticationError);
console.log('esm ok', data.emailId);

// CommonJS consumer: require('autosend-sdk') from the packed tarball, one send to the sandbox.
const { AutoSend, AutoSendError, ValidationError, runtimeEntry } = require('autosend-sdk');
const assert = require('node:assert/strict');

(async () => {
  assert.equal(runtimeEntry, 'node');
  const client = new AutoSend(process.env.AUTOSEND_API_KEY, { baseUrl: process.env.AUTOSEND_BASE_URL });
  await assert.rejects(client.emails.send({ from: { email: 'x' }, to: { email: 'y@example.com' }, subject: 's', html: 'h' }), ValidationError);
  const data = await client.emails.send({
    from: { email: 'hello@mail.example.com' }, to: { email: 'cjs@example.com' }, subject: 'from cjs', html: '<p>cjs</p>',
  });
  assert.equal(typeof data.emailId, 'string');
  console.log('cjs ok', data.emailId, new ValidationError() instanceof AutoSendError);
})().catch((e) => { console.error(e); process.exit(1); });

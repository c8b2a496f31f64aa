// TypeScript consumer: compiled with tsc --strict, then run with node against the sandbox.
import AutoSendDefault, { AutoSend, AutoSendError, type SendEmailResponse } from 'autosend-sdk';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

if (AutoSendDefault !== AutoSend) throw new Error('default export is not AutoSend');
const client = new AutoSend(process.env.AUTOSEND_API_KEY, { baseUrl: process.env.AUTOSEND_BASE_URL });
try {
  const data: SendEmailResponse = await client.emails.send({
    from: { email: 'hello@mail.example.com' },
    to: { email: 'ts@example.com' },
    subject: 'from ts',
    html: '<p>ts</p>',
  });
  console.log('ts ok', data.emailId);
} catch (e) {
  if (e instanceof AutoSendError) console.error(e.code, e.message);
  process.exitCode = 1;
}

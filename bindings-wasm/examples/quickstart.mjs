import { AutoSend, AutoSendError } from 'autosend-sdk';

// The key comes from AUTOSEND_API_KEY (or pass it: new AutoSend('AS_...')).
const autosend = new AutoSend();

try {
  const { emailId } = await autosend.emails.send({
    from: { email: 'hello@mail.example.com', name: 'Example App' },
    to: { email: 'ada@example.com', name: 'Ada' },
    subject: 'Welcome!',
    html: '<p>Hello {{name}}, thanks for signing up.</p>',
    dynamicData: { name: 'Ada' },
  });
  console.log(`queued ${emailId}`);
} catch (err) {
  if (err instanceof AutoSendError) {
    console.error(`${err.name} (${err.code}): ${err.message}`);
    if (err.mayHaveBeenDelivered) console.error('it may have been sent: check emails.status before re-sending');
    process.exitCode = 1;
  } else throw err;
}

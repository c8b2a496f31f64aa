// Sends one mail from Node and prints the result.
//   AUTOSEND_BASE_URL=https://127.0.0.1:PORT/v1 AUTOSEND_API_KEY=AS_... \
//   NODE_EXTRA_CA_CERTS=/path/to/sandbox-ca.pem node bindings-wasm/examples/send.mjs
// (run bindings-wasm/build.sh first; it links examples/node_modules/autosend-sdk to the build)
import { AutoSend, AutoSendError } from 'autosend-sdk';

const to = process.env.AUTOSEND_TO || 'ada@example.com';
const client = new AutoSend(); // AUTOSEND_API_KEY and AUTOSEND_BASE_URL from the environment
try {
  const data = await client.emails.send({
    from: { email: process.env.AUTOSEND_FROM || 'hello@mail.example.com', name: 'AutoSend demo (Node)' },
    to: { email: to },
    subject: `Hello from Node ${process.version} via autosend-sdk (wasm)`,
    html: '<p>Sent by <b>autosend-sdk</b>: the Rust core compiled to WebAssembly.</p>',
    text: 'Sent by autosend-sdk: the Rust core compiled to WebAssembly.',
  });
  console.log(JSON.stringify({ ok: true, runtime: `node ${process.version}`, to, ...data }));
} catch (err) {
  if (!(err instanceof AutoSendError)) throw err;
  console.log(JSON.stringify({ ok: false, name: err.name, code: err.code, kind: err.kind, status: err.status, message: err.message, mayHaveBeenDelivered: err.mayHaveBeenDelivered }));
  process.exitCode = 1;
}

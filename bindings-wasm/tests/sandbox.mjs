// The sandbox started by test.sh: its start-up JSON line is in $AUTOSEND_SANDBOX and its CA is
// trusted through NODE_EXTRA_CA_CERTS. Admin helpers use plain fetch.
export const info = process.env.AUTOSEND_SANDBOX ? JSON.parse(process.env.AUTOSEND_SANDBOX) : null;
export const skip = info ? false : 'no sandbox ($AUTOSEND_SANDBOX unset; run bindings-wasm/test.sh)';

export async function admin(method, path, body) {
  const res = await fetch(info.admin_url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A fresh key (own rate-limit window on the server). */
export async function newKey(kind = 'project') {
  return (await admin('POST', '/_sandbox/keys', { kind })).key;
}

export const stats = () => admin('GET', '/_sandbox/stats');
export const messages = () => admin('GET', '/_sandbox/messages');

export function mail(subject, extra = {}) {
  return {
    from: { email: 'hello@mail.example.com', name: 'Example App' },
    to: { email: 'ada@example.com', name: 'Ada' },
    subject,
    html: `<p>${subject}</p>`,
    ...extra,
  };
}

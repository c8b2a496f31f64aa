// Time to encrypt a request body (JWE) of 10 KB and 5 MB in the wasm build, through the
// public call machine (the seal happens in the poll after the key fetch). Not part of the
// suite: `node bindings-wasm/tests/bench_jwe.mjs` after bindings-wasm/build.sh.
import { sdk } from './pkg.mjs';

const { wasm } = sdk._lowLevel();
const pair = await crypto.subtle.generateKey(
  { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  true,
  ['encrypt', 'decrypt'],
);
const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
const jwks = JSON.stringify({ keys: [{ kty: 'RSA', n: pub.n, e: pub.e, kid: 'bench', alg: 'RSA-OAEP-256', use: 'enc' }] });

for (const [label, size, runs] of [['10 KB', 10 * 1024, 500], ['5 MB', 5 * 1024 * 1024, 10]]) {
  const params = JSON.stringify({ from: { email: 'a@example.com' }, to: { email: 'b@example.com' }, subject: 's', html: 'a'.repeat(size) });
  let total = 0;
  for (let i = 0; i < runs; i++) {
    // A base URL per run: the key cache is per base URL, so every run fetches then seals.
    const client = new wasm.WasmClient(JSON.stringify({ apiKey: 'AS_bench123', baseUrl: `https://b${i}.example.com/v1`, encrypt: true, privateLimiter: true, runtime: 'bench' }));
    const call = client.call('emails.send', params, 0, 1);
    call.provideEntropy(crypto.getRandomValues(new Uint8Array(call.entropyNeeded())));
    JSON.parse(call.poll(0)); // the key fetch
    call.handleResponse(0, 200, '[]', new TextEncoder().encode(jwks));
    const t = performance.now();
    const step = call.poll(1); // seals and returns the request
    total += performance.now() - t;
    if (!step.includes('encryptedData')) throw new Error('not sealed');
    call.free();
    client.free();
  }
  console.log(`${label}: ${(total / runs).toFixed(3)} ms per encryption incl. the JSON hand-over (${runs} runs)`);
}

// One sender process of the multi-process test (Node). MP_NODE_REDIS=ioredis|redis picks the
// Redis client (both shapes the SDK detects); MP_REDIS_URL empty → no Redis. See ../README.md.
import { pathToFileURL } from 'node:url';
import path from 'node:path';


const env = process.env;
const sdk = await import(pathToFileURL(path.join(env.AUTOSEND_PKG_DIR, 'esm', 'node.mjs')).href);
const [idx, procs, total] = [Number(env.MP_INDEX), Number(env.MP_PROCS), Number(env.MP_TOTAL)];

let redis = null;
if (env.MP_REDIS_URL) {
  if (env.MP_NODE_REDIS === 'ioredis') {
    const { default: Redis } = await import('ioredis');
    redis = new Redis(env.MP_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
  } else {
    const { createClient } = await import('redis');
    redis = createClient({ url: env.MP_REDIS_URL, socket: { reconnectStrategy: () => 200 } });
    await redis.connect();
  }
  redis.on('error', () => {}); // outages are the SDK's business (it falls back)
}

const client = new sdk.AutoSend({
  rateLimits: { secondMs: Number(env.MP_SECOND_MS), minuteMs: Number(env.MP_MINUTE_MS) },
  maxRetries: Number(env.MP_MAX_RETRIES),
  ...(redis ? { redis } : {}),
});
let sent = 0;
const failed = [];
let first = null;
let last = null;
for (let n = idx; n < total; n += procs) {
  const t = Date.now();
  try {
    await client.emails.send({
      from: { email: 'mp@mail.example.com' },
      to: { email: `mp-${env.MP_TAG}-${n}@example.com` },
      subject: `multi-process ${n}`,
      html: '<p>shared budget</p>',
    });
    sent += 1;
  } catch (e) {
    failed.push([n, e.kind ?? String(e)]);
  }
  first ??= t;
  last = Date.now();
}
console.log(JSON.stringify({ lang: `node-${env.MP_NODE_REDIS}`, index: idx, sent, failed, first_ms: first, last_ms: last }));
if (redis) redis.disconnect();
process.exitCode = failed.length ? 1 : 0;

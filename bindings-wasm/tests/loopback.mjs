// A loopback HTTP server for one test: `withServer(handler, fn)` listens on 127.0.0.1 (port 0),
// runs `fn(baseUrl)` with `http://127.0.0.1:PORT/v1`, then closes every socket and the server.
import http from 'node:http';

export async function withServer(handler, fn) {
  const sockets = new Set();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fn(`http://127.0.0.1:${server.address().port}/v1`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
}

/** `handler(req, res, body)` called once the request body (UTF-8) is in. */
export function withBody(handler) {
  return (req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => handler(req, res, Buffer.concat(parts).toString('utf8')));
  };
}

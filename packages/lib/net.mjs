// Small loopback helpers: a free port, and requests to a worker port with a chosen Host.
import http from 'node:http';
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// A new connection per request: a kept-alive one the server has just closed would fail the next case.
const agent = new http.Agent({ keepAlive: false });

/**
 * One request to 127.0.0.1:port with `Host: host`. Resolves {status, headers, body (Buffer)};
 * `onFirstBytes` is called once when the first body bytes arrive.
 */
export function request(port, host, pathAndQuery, { method = 'GET', headers = {}, body, timeoutMs = 60_000, onFirstBytes } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, method, agent, headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => {
        if (chunks.length === 0) onFirstBytes?.();
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${host}${pathAndQuery} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function waitForPort(port, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

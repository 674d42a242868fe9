// The attacker's side of bench/hostile.mjs, in a process of its own so that reading
// attack responses never slows the client that measures the bystander.
//
//   node bench/lib/attack.mjs PORT requests '[{"host": "...", "count": N}]'
//   node bench/lib/attack.mjs PORT slowloris '{"connections": N, "holdMs": MS}'
//
// Prints one JSON line when done: {"statuses": {"503": 8}, "errors": 0} for requests,
// {"closedByServer": N, "stillOpen": M} for slowloris.
import http from 'node:http';
import net from 'node:net';

const [port, mode, spec] = [Number(process.argv[2]), process.argv[3], JSON.parse(process.argv[4])];

function get(host) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve('error'));
    });
    req.setTimeout(600_000, () => req.destroy());
    req.on('error', () => resolve('error'));
    req.end();
  });
}

async function requests() {
  const all = [];
  for (const { host, count } of spec) {
    for (let i = 0; i < count; i++) all.push(get(host));
  }
  const statuses = {};
  for (const status of await Promise.all(all)) statuses[status] = (statuses[status] ?? 0) + 1;
  console.log(JSON.stringify({ statuses }));
}

// Connections that send half a request line and then nothing, held for holdMs.
async function slowloris() {
  let closedByServer = 0;
  const sockets = [];
  for (let i = 0; i < spec.connections; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('data', () => {}); // read what the server says, so that its close is seen
    socket.on('close', () => { closedByServer++; });
    socket.write('GET / HTTP/1.1\r\nHost: bystander.hostile.test\r\nX-Slow: ');
    sockets.push(socket);
  }
  await new Promise((r) => setTimeout(r, spec.holdMs));
  const stillOpen = spec.connections - closedByServer;
  console.log(JSON.stringify({ closedByServer, stillOpen }));
  for (const s of sockets) s.destroy();
}

await (mode === 'slowloris' ? slowloris() : requests());
process.exit(0);

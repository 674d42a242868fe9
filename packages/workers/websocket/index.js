// WebSockets: /echo answers every message, /chat is a room of every socket in this isolate.
// A socket belongs to the request that accepted it, and Workers refuse I/O on it from another
// request, so the room shares only plain values: each member has an inbox of lines, and its own
// request's loop is the one that sends them on its socket.
const room = new Set();

function upgradeOrRefuse(request) {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
  return null;
}

function echo() {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.addEventListener('message', (event) => {
    if (typeof event.data === 'string') {
      if (event.data === 'close-me') server.close(4001, 'asked to close');
      else server.send(`echo: ${event.data}`);
    } else {
      // Binary frames come back reversed, so the test sees that the bytes were read.
      server.send(new Uint8Array(event.data).reverse());
    }
  });
  server.addEventListener('close', (event) => server.close(event.code, 'bye'));
  return new Response(null, { status: 101, webSocket: client });
}

class Member {
  lines = [];
  wake = null;
  open = true;
  post(line) {
    this.lines.push(line);
    this.wake?.();
  }
  next() {
    if (this.lines.length || !this.open) return Promise.resolve();
    return new Promise((resolve) => { this.wake = resolve; });
  }
}

const broadcast = (line) => { for (const m of room) m.post(line); };

function chat(name, ctx) {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  const me = new Member();
  room.add(me);
  broadcast(`* ${name} joined (${room.size} here)`);
  server.addEventListener('message', (event) => broadcast(`${name}: ${event.data}`));
  server.addEventListener('close', () => {
    me.open = false;
    me.wake?.();
    room.delete(me);
    broadcast(`* ${name} left`);
    server.close(1000, 'bye');
  });
  ctx.waitUntil((async () => {
    while (me.open) {
      await me.next();
      me.wake = null;
      while (me.lines.length && me.open) server.send(me.lines.shift());
    }
  })());
  return new Response(null, { status: 101, webSocket: client });
}

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    const refused = upgradeOrRefuse(request);
    if (refused) return refused;
    if (url.pathname === '/echo') return echo();
    if (url.pathname === '/chat') return chat(url.searchParams.get('name') ?? 'anon', ctx);
    return new Response('no such room', { status: 404 });
  },
};

// A user worker for bench/stream.mjs. GET /sse: server-sent events, one every 200 ms, ten in
// all, from a TransformStream the worker writes on timers. Anything else: the request's own
// body as the answer, as it arrives.
const INTERVAL_MS = 200;
const EVENTS = 10;

export default {
  fetch(request) {
    if (new URL(request.url).pathname === '/sse') {
      const { readable, writable } = new TransformStream();
      const writer = writable.getWriter();
      const encoder = new TextEncoder();
      (async () => {
        for (let i = 0; i < EVENTS; i++) {
          await writer.write(encoder.encode(`id: ${i}\ndata: event ${i}\n\n`));
          if (i < EVENTS - 1) await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
        }
        await writer.close();
      })();
      return new Response(readable, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
    }
    return new Response(request.body, { headers: { 'content-type': 'application/octet-stream' } });
  },
};

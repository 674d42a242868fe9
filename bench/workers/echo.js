// A user worker for bench/stream.mjs. GET /sse: server-sent events, one every 200 ms, ten in
// all, from a TransformStream the worker writes on timers. GET /chunks?count=N: N chunks of 100
// bytes, each made by the pull of the worker's own ReadableStream. Anything else: the request's
// own body as the answer, as it arrives.
const INTERVAL_MS = 200;
const EVENTS = 10;

export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/chunks') {
      const count = Number(url.searchParams.get('count'));
      const chunk = new Uint8Array(100).fill(120);
      let made = 0;
      return new Response(new ReadableStream({
        pull(controller) {
          if (made++ < count) controller.enqueue(chunk.slice());
          else controller.close();
        },
      }), { headers: { 'content-type': 'application/octet-stream' } });
    }
    if (url.pathname === '/sse') {
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

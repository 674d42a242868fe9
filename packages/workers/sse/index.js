// Server-sent events: n events written one by one into a stream, with a pause between them.
export default {
  fetch(request) {
    const n = Math.min(Number(new URL(request.url).searchParams.get('n') ?? 5), 50);
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    (async () => {
      for (let i = 1; i <= n; i++) {
        await writer.write(encoder.encode(`id: ${i}\nevent: tick\ndata: ${JSON.stringify({ i, square: i * i })}\n\n`));
        await new Promise((r) => setTimeout(r, 20));
      }
      await writer.write(encoder.encode('event: done\ndata: bye\n\n'));
      await writer.close();
    })();
    return new Response(readable, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
  },
};

// The runtime's own worker, served a few requests when the engine starts so that the runtime
// code cache every isolate starts from also holds what serving a request compiles (see
// RuntimeWarmUp). It does what most workers do with a request: route on the URL, read
// headers and a JSON body, answer with text or JSON, and leave work to waitUntil.
const counts = new Map();

async function answer(request, ctx) {
  const url = new URL(request.url);
  const id = url.searchParams.get('id') ?? 'none';
  counts.set(id, (counts.get(id) ?? 0) + 1);
  const headers = new Headers({ 'content-type': 'text/plain;charset=UTF-8' });
  headers.set('x-request-id', request.headers.get('x-request-id') ?? '');
  ctx.waitUntil(Promise.resolve(counts.size));
  if (request.method === 'POST') {
    const item = await request.json();
    return Response.json({ ...item, id, seen: counts.get(id) }, { status: 201 });
  }
  if (url.pathname === '/items') {
    return Response.json([...counts.keys()].map((key) => ({ key, hits: counts.get(key) })));
  }
  const text = await new Response(`item ${id} at ${url.pathname}`).text();
  return new Response(text, { headers });
}

export default {
  async fetch(request, env, ctx) {
    try {
      return await answer(request, ctx);
    } catch (e) {
      return new Response(String(e), { status: 500 });
    }
  },
};

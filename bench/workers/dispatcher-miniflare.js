// (7) Miniflare dispatch worker: the same work as dispatcher-tenantd.js (parse the host,
// pick the user worker, forward the request), but each user worker is reached through a
// service binding, as miniflare runs dispatch namespaces only remotely.
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split('.')[0];
    const target = { kv: env.KV_WORKER, d1: env.D1_WORKER }[name];
    if (target === undefined) return new Response(`no worker ${name}\n`, { status: 404 });
    try {
      return await target.fetch(request);
    } catch (e) {
      return new Response(`worker ${name} failed: ${e.message}\n`, { status: 500 });
    }
  },
};

// (b) workerd dispatch worker: the same work as dispatcher-tenantd.js (parse the
// host, pick the target, forward the request), but the target is reached through
// a service binding, as workerd has no dispatch namespaces.
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split('.')[0];
    const target = env.USER;
    try {
      return await target.fetch(request);
    } catch (e) {
      return new Response(`worker ${name} failed: ${e.message}\n`, { status: 500 });
    }
  },
};

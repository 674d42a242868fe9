// The dispatch worker of the suite, the same code on both runtimes: on tenantd the user worker
// comes from the dispatch namespace bound as DISPATCHER, on workerd (no namespaces) from a
// service binding named after it. The first label of the host names the worker. The user
// worker's Response goes back as it is, so a 101 with its WebSocket passes through.
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split('.')[0];
    let target;
    try {
      target = env.DISPATCHER ? env.DISPATCHER.get(name) : env[`worker:${name}`];
    } catch (e) {
      return new Response(`no worker ${name}: ${e.message}`, { status: 404 });
    }
    if (!target) return new Response(`no worker ${name}`, { status: 404 });
    try {
      return await target.fetch(request);
    } catch (e) {
      if (String(e.message).startsWith('Worker not found')) return new Response(`no worker ${name}`, { status: 404 });
      return new Response(`worker ${name} failed: ${e.message}`, { status: 502 });
    }
  },
};

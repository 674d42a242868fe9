// (b) tenantd dispatch worker: the first label of the host names the user
// worker in the namespace bound as env.dispatcher (hello.bench.test -> "hello").
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split('.')[0];
    try {
      return await env.dispatcher.get(name).fetch(request);
    } catch (e) {
      if (e.message.startsWith('Worker not found')) {
        return new Response(`no worker ${name}\n`, { status: 404 });
      }
      return new Response(`worker ${name} failed: ${e.message}\n`, { status: 500 });
    }
  },
};

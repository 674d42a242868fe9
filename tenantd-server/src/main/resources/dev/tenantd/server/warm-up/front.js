// The start-up warm-up's dispatch worker: the first segment of the path names the user
// worker (/t3/items -> "t3") in the namespace bound as env.TENANTS.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.pathname.split('/')[1];
    try {
      return await env.TENANTS.get(name).fetch(request);
    } catch (e) {
      return new Response(`worker ${name}: ${e.message}\n`, { status: e.message.startsWith('Worker not found') ? 404 : 500 });
    }
  },
};

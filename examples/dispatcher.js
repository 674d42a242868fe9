// Dispatch worker: the customer is the first label of the host name
// (acme.localhost -> the user worker "acme" in the namespace bound as env.dispatcher).
export default {
  async fetch(request, env) {
    const customer = new URL(request.url).hostname.split('.')[0];
    try {
      return await env.dispatcher.get(customer).fetch(request);
    } catch (e) {
      if (e.message.startsWith('Worker not found')) {
        return new Response(`No site for "${customer}" yet.\n`, { status: 404 });
      }
      return new Response(`The site for "${customer}" failed: ${e.message}\n`, { status: 500 });
    }
  },
};

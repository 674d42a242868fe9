// (7a) A user worker that reads one hot KV key per request and returns its value.
export default {
  async fetch(request, env) {
    const value = await env.KV.get('hot');
    if (value === null) return new Response('the hot key is missing\n', { status: 500 });
    return new Response(value);
  },
};

// An ES-module user worker: echoes JSON it receives, stamped with a binding value.
export default {
  async fetch(request, env) {
    if (request.method !== 'POST') {
      return Response.json({ hint: 'POST some JSON', plan: env.PLAN ?? 'free' });
    }
    const body = await request.json();
    return Response.json({ ...body, receivedAt: new Date().toISOString(), plan: env.PLAN ?? 'free' });
  },
};

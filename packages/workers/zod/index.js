// zod: a validating endpoint; good input is answered 201 with the parsed value, bad input 400 with the issues.
import { z } from 'zod';

const User = z.object({
  name: z.string().min(1),
  email: z.email(),
  age: z.number().int().nonnegative(),
  tags: z.array(z.string()).max(3).default([]),
});

export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST a user', { status: 405 });
    let body;
    try { body = await request.json(); } catch { return Response.json({ error: 'not JSON' }, { status: 400 }); }
    const parsed = User.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code }));
      return Response.json({ issues }, { status: 400 });
    }
    return Response.json(parsed.data, { status: 201 });
  },
};

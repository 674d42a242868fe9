// hono with its jwt and compress middlewares.
import { Hono } from 'hono';
import { jwt, sign } from 'hono/jwt';
import { compress } from 'hono/compress';
import fx from '../../fixtures/jose.json';

const app = new Hono();
app.use('/api/*', jwt({ secret: fx.hsSecret, alg: 'HS256' }));
app.get('/api/me', (c) => c.json({ user: c.get('jwtPayload').sub, role: c.get('jwtPayload').role }));
app.post('/token', async (c) => {
  const { sub } = await c.req.json();
  return c.text(await sign({ sub, role: 'reader', iat: 1767225600, exp: 4102444800 }, fx.hsSecret, 'HS256'));
});
app.use('/text/*', compress());
// Large enough for the middleware to compress (it skips bodies under 1 KiB).
app.get('/text/lines', (c) => c.text(Array.from({ length: 2000 }, (_, i) => `line ${i} of the compressed answer`).join('\n')));
app.notFound((c) => c.json({ error: 'not found', path: c.req.path }, 404));
export default app;

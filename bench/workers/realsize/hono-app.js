// The ~100 KB real-sized worker of bench/realsize.mjs: a Hono app with the middleware a
// typical API uses. WORKER_ID is prepended by the benchmark, one per worker.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { jwt, sign } from 'hono/jwt';
import { getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { timing } from 'hono/timing';
import { basicAuth } from 'hono/basic-auth';

const app = new Hono();
app.use('*', secureHeaders());
app.use('/api/*', cors());
app.use('/api/*', etag());
app.get('/', (c) => c.text(`hono ${WORKER_ID}`));
app.get('/api/items/:id', (c) => c.json({ id: c.req.param('id'), worker: WORKER_ID }));
app.post('/api/items', validator('json', (value) => {
  if (typeof value?.name !== 'string') throw new HTTPException(400, { message: 'name must be a string' });
  return value;
}), (c) => c.json({ created: c.req.valid('json').name }, 201));
app.use('/admin/*', basicAuth({ username: 'admin', password: WORKER_ID }));
app.use('/private/*', jwt({ secret: WORKER_ID, alg: 'HS256' }));
app.use('/upload/*', bodyLimit({ maxSize: 1024 * 1024 }));
app.use('/api/*', timing());
app.get('/token', async (c) => c.text(await sign({ sub: WORKER_ID }, WORKER_ID)));
app.get('/private/me', (c) => c.json(c.get('jwtPayload')));
app.get('/session', (c) => { setCookie(c, 'seen', getCookie(c, 'seen') ?? '1'); return c.text('ok'); });
app.notFound((c) => c.text('not here', 404));
export default app;

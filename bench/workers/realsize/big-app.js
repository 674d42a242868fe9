// The ~1 MB real-sized worker of bench/realsize.mjs: a Hono app that also bundles whole
// utility libraries (zod, lodash-es, date-fns), as framework-heavy customer bundles do.
// WORKER_ID is prepended by the benchmark, one per worker.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import * as z from 'zod';
import * as _ from 'lodash-es';
import * as dates from 'date-fns';
import * as datesFp from 'date-fns/fp';
import * as z3 from 'zod/v3';
import honoApp from './hono-app.js';

const Item = z.object({ name: z.string().min(1), price: z.number().nonnegative(), tags: z.array(z.string()).default([]) });
const app = new Hono();
app.use('*', secureHeaders());
app.use('/api/*', cors());
app.use('/api/*', etag());
app.get('/', (c) => c.text(`big ${WORKER_ID}`));
app.get('/api/utils', (c) => c.json({ lodash: Object.keys(_).length, dates: Object.keys(dates).length, fp: Object.keys(datesFp).length }));
app.get('/api/when/:iso', (c) => c.json({ week: dates.getISOWeek(dates.parseISO(c.req.param('iso'))) }));
app.post('/api/items', async (c) => {
  const parsed = Item.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
  return c.json(_.pick(parsed.data, ['name', 'price']), 201);
});
const Legacy = z3.object({ id: z3.string().uuid() });
app.get('/api/legacy/:id', (c) => c.json({ ok: Legacy.safeParse({ id: c.req.param('id') }).success }));
app.route('/h', honoApp);
export default app;

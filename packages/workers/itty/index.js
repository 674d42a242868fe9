// itty-router: path parameters, query strings, JSON bodies, 404.
import { AutoRouter, error } from 'itty-router';

const router = AutoRouter();
const items = new Map([['1', { id: '1', name: 'kettle' }], ['2', { id: '2', name: 'teapot' }]]);
router
  .get('/items', ({ query }) => ({ items: [...items.values()].filter((i) => !query.q || i.name.includes(query.q)) }))
  .get('/items/:id', ({ params }) => items.get(params.id) ?? error(404, `no item ${params.id}`))
  .post('/echo/:kind', async (request) => ({ kind: request.params.kind, body: await request.json() }));
export default router;

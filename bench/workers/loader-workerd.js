// workerd Worker Loader front: GET /<id> or POST /<id> runs the dynamic worker <id>.
// POST carries the worker's code in the body (cold start: the code arrives with
// the first request); GET makes a small worker from the id (density), the same
// code tenantd gets for its density scripts (see bench/lib/scripts.mjs).
import { densityScript } from './scripts-shared.js';

export default {
  async fetch(request, env) {
    const id = new URL(request.url).pathname.slice(1);
    const code = request.method === 'POST' ? await request.text() : null;
    const worker = env.LOADER.get(id, () => ({
      compatibilityDate: '2025-01-01',
      mainModule: 'main.js',
      modules: { 'main.js': code ?? densityScript(id) },
    }));
    return worker.getEntrypoint().fetch(new Request('http://' + id + '.bench.test/', { method: 'GET' }));
  },
};

// The start-up warm-up's user worker: a small JSON API of the kind platforms host, a router,
// headers, a JSON body read and written, a streamed response. Each copy starts with its own
// `const WORKER = "...";` line.
const PLANS = [
  { id: 'free', requests: 100000, price: 0, features: ['workers', 'kv'] },
  { id: 'team', requests: 10000000, price: 25, features: ['workers', 'kv', 'd1', 'analytics'] },
  { id: 'business', requests: 100000000, price: 250, features: ['workers', 'kv', 'd1', 'analytics', 'support'] },
  { id: 'enterprise', requests: 1000000000, price: 2500, features: ['workers', 'kv', 'd1', 'analytics', 'support', 'sso'] },
];

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(value, status = 200, extra = {}) {
  return new Response(JSON.stringify(value), { status, headers: { ...HEADERS, ...extra } });
}

function problem(status, message) {
  return json({ success: false, errors: [{ code: status, message }] }, status);
}

function planFor(requests) {
  for (const plan of PLANS) {
    if (requests <= plan.requests) return plan;
  }
  return PLANS[PLANS.length - 1];
}

function quote(body) {
  if (typeof body !== 'object' || body === null) throw new TypeError('the body must be a JSON object');
  const requests = Number(body.requests ?? 0);
  if (!Number.isFinite(requests) || requests < 0) throw new RangeError('requests must be a number, 0 or more');
  const plan = planFor(requests);
  const seats = Math.max(1, Math.floor(Number(body.seats ?? 1)));
  return { plan: plan.id, seats, monthly: plan.price * seats, features: plan.features.slice() };
}

// FNV-1a over the body's text: a weak ETag, enough to answer If-None-Match.
function etag(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `W/"${hash.toString(16)}"`;
}

function parseQuery(url) {
  const out = {};
  for (const [key, value] of url.searchParams) {
    out[key] = key in out ? [].concat(out[key], value) : value;
  }
  return out;
}

const routes = [
  ['GET', /^\/plans$/, () => json(PLANS.map((p) => p.id))],
  ['GET', /^\/catalogue$/, (request) => {
    const text = JSON.stringify({ worker: WORKER, plans: PLANS });
    const tag = etag(text);
    if (request.headers.get('if-none-match') === tag) return new Response(null, { status: 304, headers: { etag: tag } });
    return new Response(text, { headers: { ...HEADERS, etag: tag } });
  }],
  ['GET', /^\/plans\/([a-z]+)$/, (request, match) => {
    const plan = PLANS.find((p) => p.id === match[1]);
    return plan ? json(plan) : problem(404, `no plan ${match[1]}`);
  }],
  ['POST', /^\/quote$/, async (request) => {
    let body;
    try {
      body = await request.json();
    } catch {
      return problem(400, 'the body is not JSON');
    }
    try {
      return json(quote(body));
    } catch (e) {
      return problem(422, e.message);
    }
  }],
  ['GET', /^\/search$/, (request, match, url) => {
    const query = parseQuery(url);
    const words = String(query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const hits = PLANS.filter((p) => words.every((w) => p.id.includes(w) || p.features.some((f) => f.includes(w))));
    return json({ query, hits: hits.map((p) => p.id) });
  }],
  ['GET', /^\/stream$/, () => {
    const encoder = new TextEncoder();
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    (async () => {
      for (const plan of PLANS) await writer.write(encoder.encode(JSON.stringify(plan) + '\n'));
      await writer.close();
    })();
    return new Response(readable, { headers: { 'content-type': 'application/x-ndjson' } });
  }],
];

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const path = url.pathname.slice(WORKER.length + 1) || '/';
    for (const [method, pattern, handler] of routes) {
      const match = pattern.exec(path);
      if (match && request.method === method) {
        const response = await handler(request, match, url);
        response.headers.set('x-worker', WORKER);
        return response;
      }
    }
    if (path === '/') return new Response(`${WORKER} ok\n`, { headers: { 'x-worker': WORKER } });
    return problem(404, `no route for ${request.method} ${path}`);
  },
};

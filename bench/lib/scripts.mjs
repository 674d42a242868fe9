// Generated user-worker code, shared by the orchestrator (bench.mjs) and the
// workerd loader worker (embedded by workerd/loader.capnp), so that both systems
// run exactly the same scripts.

// Density: a tiny ES module with module-level state. The counter shows whether
// the isolate survived: a re-touched worker answers "<id> 2" only if it stayed live.
export function densityScript(id) {
  return `const ID = ${JSON.stringify(id)};
let hits = 0;
export default {
  fetch() {
    hits++;
    return new Response(ID + ' ' + hits);
  },
};
`;
}

// Cold start: a distinct module of about 12 KB (config table, helpers, a router),
// different in every byte that matters so no code cache can be shared between ids.
export function coldScript(id) {
  let seed = 0;
  for (const c of id) seed = (seed * 31 + c.charCodeAt(0)) >>> 0;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const lines = [];
  lines.push(`// worker ${id}`);
  lines.push(`const WORKER_ID = ${JSON.stringify(id)};`);
  lines.push('const PLANS = {');
  for (let i = 0; i < 80; i++) {
    lines.push(`  plan_${id.replace(/\W/g, '_')}_${i}: { limit: ${Math.floor(rnd() * 100000)}, price: ${(rnd() * 100).toFixed(2)}, label: ${JSON.stringify('tier ' + i + ' of ' + id)} },`);
  }
  lines.push('};');
  for (let f = 0; f < 30; f++) {
    const a = Math.floor(rnd() * 1000), b = Math.floor(rnd() * 1000), c = Math.floor(rnd() * 97) + 3;
    lines.push(`function step${f}(x, ctx) {
  const k = (x * ${a} + ${b}) % ${c};
  if (k > ${Math.floor(c / 2)}) { ctx.trace.push('s${f}:' + k); return x + k; }
  return ctx.plans.length ? x - k : x ^ ${a};
}`);
  }
  lines.push(`const STEPS = [${Array.from({ length: 30 }, (_, f) => 'step' + f).join(', ')}];`);
  lines.push(`function route(path) {
  switch (path) {
    case '/plans': return Response.json(Object.keys(PLANS));
    case '/compute': {
      const ctx = { trace: [], plans: Object.values(PLANS) };
      let x = ${Math.floor(rnd() * 1000)};
      for (const s of STEPS) x = s(x, ctx);
      return Response.json({ x, trace: ctx.trace.length });
    }
    default: return new Response('cold ' + WORKER_ID);
  }
}`);
  lines.push(`export default {
  fetch(request) {
    return route(new URL(request.url).pathname);
  },
};`);
  return lines.join('\n') + '\n';
}

export default { async fetch() { const r = await fetch("http://127.0.0.1:8788/healthz"); return new Response(await r.text()); } };

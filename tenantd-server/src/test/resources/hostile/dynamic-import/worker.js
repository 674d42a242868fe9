export default { async fetch() { const fs = await import("node:fs"); return new Response(typeof fs); } };

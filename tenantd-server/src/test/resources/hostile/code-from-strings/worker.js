export default { fetch() { const f = ({}).constructor.constructor("return globalThis"); return new Response(typeof f()); } };

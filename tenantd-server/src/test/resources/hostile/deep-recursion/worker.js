function dive(n) { return dive(n + 1) + 1; }
export default { fetch() { return new Response(String(dive(0))); } };

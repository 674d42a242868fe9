export default { fetch() { return new Response(new Uint8Array(300 * 1024 * 1024)); } };

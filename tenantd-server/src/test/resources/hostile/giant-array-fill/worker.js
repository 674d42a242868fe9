export default { fetch() { return new Response(String(new Array(2 ** 26).fill(0).length)); } };

export default { fetch() { process.exit(1); return new Response("still here"); } };

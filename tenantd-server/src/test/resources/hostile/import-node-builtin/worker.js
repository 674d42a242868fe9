import fs from "node:fs";
export default { fetch() { return new Response(typeof fs); } };

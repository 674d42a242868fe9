// (7b) A user worker that answers each request with one row of D1, selected by primary
// key; the key goes round the table's 1,000 rows so that every request reads a row.
let next = 0;

export default {
  async fetch(request, env) {
    next = (next % 1000) + 1;
    const row = await env.DB.prepare('SELECT id, name, price FROM items WHERE id = ?1').bind(next).first();
    if (row === null) return new Response(`row ${next} is missing\n`, { status: 500 });
    return Response.json(row);
  },
};

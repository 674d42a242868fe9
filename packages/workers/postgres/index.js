// postgres (postgres.js) over connect() from cloudflare:sockets, against the suite's PostgreSQL.
import postgres from 'postgres';

export default {
  async fetch(request, env) {
    const sql = postgres(env.PG_URL, { max: 1, fetch_types: false, prepare: true });
    try {
      const tag = new URL(request.url).searchParams.get('tag') ?? 'x';
      const [{ sum }] = await sql`select ${40}::int + ${2}::int as sum`;
      await sql`create temporary table notes (id serial primary key, body text not null, tag text)`;
      await sql`insert into notes ${sql([{ body: 'first', tag }, { body: 'second', tag }, { body: 'ünïcødé ✓', tag: 'other' }], 'body', 'tag')}`;
      const rows = await sql`select id, body from notes where tag = ${tag} order by id`;
      const [{ version }] = await sql`select current_setting('server_version_num')::int >= 150000 as version`;
      let failure;
      try { await sql`select * from no_such_table`; } catch (e) { failure = { code: e.code, message: e.message }; }
      return Response.json({ sum, rows: rows.map((r) => ({ ...r })), pg15: version, failure });
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
};

// wrangler 4.86 `d1 create | list | info | execute --remote (--command, --file) | migrations apply --remote
// | delete` against tenantd; each change is checked by what a deployed worker with a d1 binding reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, hit, isUuid, project, show, startTenantd, wrangler } from './helpers.mjs';

const DB = 'app-db';

describe('wrangler d1', () => {
  let server;
  let dir;
  let uuid;
  before(async () => { server = await startTenantd(); });
  after(async () => { await server?.stop(); });

  const read = async () => {
    const res = await hit(server, 'd1-reader.localhost', '/');
    assert.equal(res.status, 200, res.text);
    return JSON.parse(res.text);
  };

  test('create makes the database and prints the binding to add', async () => {
    const r = await wrangler(server, ['d1', 'create', DB]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Successfully created DB 'app-db'/, show(r));
    uuid = r.stdout.match(/"?database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/)?.[1];
    assert.ok(isUuid(uuid), `wrangler prints the database id (got ${uuid})\n${show(r)}`);
    const stored = await api(server, 'GET', 'A/d1/database');
    assert.deepEqual(stored.json.result.map((d) => [d.name, d.uuid]), [[DB, uuid]]);

    const again = await wrangler(server, ['d1', 'create', DB]);
    assert.notEqual(again.code, 0, show(again));
    assert.match(again.output, /A database with that name already exists/, show(again));
  });

  test('list and info show the database', async () => {
    const list = await wrangler(server, ['d1', 'list', '--json']);
    assert.equal(list.code, 0, show(list));
    assert.deepEqual(JSON.parse(list.stdout).map((d) => d.uuid), [uuid]);
    const info = await wrangler(server, ['d1', 'info', DB, '--json']);
    assert.equal(info.code, 0, show(info));
    const parsed = JSON.parse(info.stdout);
    assert.equal(parsed.uuid, uuid);
    assert.equal(parsed.name, DB);
    assert.equal(typeof parsed.num_tables, 'number');
  });

  test('a worker with a d1 binding deploys and reads the database', async () => {
    dir = project({
      'wrangler.toml': `name = "d1-reader"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[d1_databases]]
binding = "DB"
database_name = "${DB}"
database_id = "${uuid}"
migrations_dir = "migrations"
`,
      'src/index.js': `export default {
  async fetch(request, env) {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").raw();
    const has = (t) => tables.some((row) => row[0] === t);
    const notes = has('notes') ? (await env.DB.prepare('SELECT body FROM notes ORDER BY id').all()).results.map((r) => r.body) : null;
    const tags = has('tags') ? (await env.DB.prepare('SELECT tag FROM tags ORDER BY tag').raw()).map((r) => r[0]) : null;
    return Response.json({ tables: tables.map((r) => r[0]), notes, tags });
  },
};
`,
      'seed.sql': `-- seed data, as a file
INSERT INTO notes (body) VALUES ('from --file; with a semicolon');
INSERT INTO notes (body) VALUES ('second from --file');
`,
      'migrations/0001_tags.sql': 'CREATE TABLE tags (tag TEXT PRIMARY KEY);\nINSERT INTO tags VALUES (\'migrated\');\n',
      'migrations/0002_more_tags.sql': 'INSERT INTO tags VALUES (\'second migration\');\n',
    });
    const r = await wrangler(server, ['deploy'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(await read(), { tables: [], notes: null, tags: null });
  });

  test('execute --remote --command runs statements the worker then reads', async () => {
    const r = await wrangler(server, ['d1', 'execute', DB, '--remote', '--command',
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('from --command')"],
    { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual((await read()).notes, ['from --command']);

    const q = await wrangler(server, ['d1', 'execute', DB, '--remote', '--json', '--command', 'SELECT count(*) AS n FROM notes'],
      { cwd: dir });
    assert.equal(q.code, 0, show(q));
    assert.equal(JSON.parse(q.stdout)[0].results[0].n, 1);

    const bad = await wrangler(server, ['d1', 'execute', DB, '--remote', '--command', 'SELECT * FROM missing'], { cwd: dir });
    assert.notEqual(bad.code, 0, show(bad));
    assert.match(bad.output, /no such table: missing/, show(bad));
  });

  test('execute --remote --file imports an SQL file the worker then reads', async () => {
    const r = await wrangler(server, ['d1', 'execute', DB, '--remote', '--file', 'seed.sql', '-y'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Executed 2 queries/, show(r));
    assert.deepEqual((await read()).notes, ['from --command', 'from --file; with a semicolon', 'second from --file']);
  });

  test('migrations apply --remote applies each migration once', async () => {
    const r = await wrangler(server, ['d1', 'migrations', 'apply', DB, '--remote'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /0001_tags\.sql/, show(r));
    assert.deepEqual((await read()).tags, ['migrated', 'second migration']);
    const again = await wrangler(server, ['d1', 'migrations', 'apply', DB, '--remote'], { cwd: dir });
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /No migrations to apply/, show(again));

    fs.writeFileSync(path.join(dir, 'migrations', '0003_broken.sql'), "INSERT INTO tags VALUES ('half');\nINSERT INTO nope VALUES (1);\n");
    const broken = await wrangler(server, ['d1', 'migrations', 'apply', DB, '--remote'], { cwd: dir });
    assert.notEqual(broken.code, 0, show(broken));
    assert.deepEqual((await read()).tags, ['migrated', 'second migration'], 'a failed migration leaves nothing behind');
  });

  test('delete removes the database', async () => {
    const r = await wrangler(server, ['d1', 'delete', DB, '-y']);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual((await api(server, 'GET', 'A/d1/database')).json.result, []);
  });
});

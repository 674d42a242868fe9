package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.d1.D1Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** env.DB inside real isolates, against real SQLite files: the D1 API as workers use it. */
class D1WorkerTest {
    @TempDir
    Path dir;
    TestServer server;

    /** Each path of this worker runs one scenario and answers with JSON; an error comes back as {name, message}. */
    static final String WORKER = """
            const json = (v) => new Response(JSON.stringify(v), { headers: { 'content-type': 'application/json' } });
            const blobText = (b) => Array.isArray(b) ? 'bytes:' + b.join(',') : b instanceof ArrayBuffer ? 'ArrayBuffer' : b;
            const scenarios = {
              async types(db) {
                await db.exec('CREATE TABLE v (x)');
                const ins = db.prepare('INSERT INTO v VALUES (?)');
                await db.batch([ins.bind(42), ins.bind(1.5), ins.bind('text'), ins.bind(true), ins.bind(null),
                  ins.bind(new Uint8Array([1, 2, 255]).buffer), ins.bind(new Uint8Array([7, 8, 9]).subarray(1)),
                  ins.bind(2 ** 53 + 2)]);
                const { results } = await db.prepare('SELECT x, typeof(x) AS t FROM v ORDER BY rowid').all();
                return results.map((r) => [blobText(r.x), r.t]);
              },
              async undefinedRefused(db) {
                try { db.prepare('SELECT ?').bind(undefined); return 'bound'; } catch (e) { return e.message; }
              },
              async objectRefused(db) {
                try { db.prepare('SELECT ?').bind({ a: 1 }); return 'bound'; } catch (e) { return e.message; }
              },
              async statements(db) {
                await db.prepare('CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)').run();
                const run = await db.prepare('INSERT INTO p (name) VALUES (?1), (?1 || ?2)').bind('a', 'b').run();
                const first = await db.prepare('SELECT * FROM p ORDER BY id').first();
                const firstName = await db.prepare('SELECT name FROM p WHERE id = ?').bind(2).first('name');
                const none = await db.prepare('SELECT * FROM p WHERE id = 99').first();
                let missing;
                try { await db.prepare('SELECT * FROM p').first('nope'); } catch (e) { missing = e.message; }
                const raw = await db.prepare('SELECT id, name FROM p ORDER BY id').raw();
                const rawNames = await db.prepare('SELECT id, name FROM p ORDER BY id').raw({ columnNames: true });
                const all = await db.prepare('SELECT name FROM p ORDER BY id').all();
                return { run: { success: run.success, changes: run.meta.changes, last_row_id: run.meta.last_row_id,
                    changed_db: run.meta.changed_db, hasDuration: typeof run.meta.duration === 'number',
                    size: run.meta.size_after > 0, results: run.results },
                  first, firstName, none, missing, raw, rawNames, all: all.results, allMeta: Object.keys(all.meta).sort() };
              },
              async batchAtomic(db) {
                await db.exec('CREATE TABLE b (k TEXT PRIMARY KEY)');
                const ins = db.prepare('INSERT INTO b VALUES (?)');
                let error;
                try { await db.batch([ins.bind('one'), ins.bind('two'), ins.bind('one')]); } catch (e) { error = e.message; }
                const after = await db.prepare('SELECT count(*) AS n FROM b').first('n');
                const ok = await db.batch([ins.bind('x'), db.prepare('SELECT k FROM b')]);
                return { error, after, okCount: ok.length, okRows: ok[1].results };
              },
              async exec(db) {
                const r = await db.exec('CREATE TABLE e (a);\\nINSERT INTO e VALUES (1);\\nINSERT INTO e VALUES (2);');
                let error;
                try { await db.exec('INSERT INTO e VALUES (3);\\nINSERT INTO nope VALUES (1);'); } catch (e) { error = e.message; }
                const n = await db.prepare('SELECT count(*) AS n FROM e').first('n');
                return { count: r.count, hasDuration: typeof r.duration === 'number', error, n };
              },
              async errors(db) {
                const out = [];
                for (const sql of ['SELECT * FROM nowhere', 'SELEC 1', "ATTACH 'x.db' AS x", 'PRAGMA journal_mode=OFF']) {
                  try { await db.prepare(sql).all(); out.push('ran'); } catch (e) { out.push(e.name + ': ' + e.message); }
                }
                try { await db.dump(); } catch (e) { out.push(e.message.split(':')[0]); }
                return out;
              },
              async session(db) {
                const s = db.withSession('first-primary');
                return { bookmark: s.getBookmark(), one: await s.prepare('SELECT 1 AS one').first('one') };
              },
              async forever(db) {
                return await db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c').first();
              },
              async insert(db) {
                await db.exec('CREATE TABLE IF NOT EXISTS w (n INTEGER)');
                await db.prepare('INSERT INTO w VALUES ((SELECT count(*) FROM w))').run();
                return await db.prepare('SELECT count(*) AS n FROM w').first('n');
              },
              async written(db) {
                return (await db.prepare('SELECT n FROM w ORDER BY n').raw()).map((r) => r[0]);
              },
              async count(db) {
                return await db.prepare("SELECT count(*) AS n FROM sqlite_schema").first('n');
              },
            };
            export default {
              async fetch(request, env) {
                const name = new URL(request.url).pathname.slice(1);
                try {
                  return json({ ok: await scenarios[name](env.DB) });
                } catch (e) {
                  return json({ name: e.name, message: e.message });
                }
              },
            };
            """;

    @BeforeEach
    void start() {
        server = new TestServer(dir, List.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String createDatabase(String name) {
        TestServer.Reply r = server.postJson(server.accountApi("/d1/database"), "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result").path("uuid").asText();
    }

    void deploy(String script, String databaseId) {
        TestServer.Reply r = server.putModule(server.accountApi("/workers/scripts/" + script),
                "{\"main_module\":\"w.js\",\"compatibility_date\":\"2025-01-01\",\"bindings\":[{\"type\":\"d1\","
                        + "\"name\":\"DB\",\"id\":\"" + databaseId + "\"}]}", "w.js", WORKER);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    JsonNode call(String script, String scenario) {
        TestServer.Reply r = server.worker("GET", script + ".localhost", "/" + scenario, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void values_map_to_sqlite_types_and_back() {
        deploy("app", createDatabase("db"));
        assertThat(call("app", "types").path("ok").toString()).isEqualTo("[[42,\"integer\"],[1.5,\"real\"],"
                + "[\"text\",\"text\"],[1,\"integer\"],[null,\"null\"],[\"bytes:1,2,255\",\"blob\"],"
                + "[\"bytes:8,9\",\"blob\"],[9007199254740994,\"real\"]]");
        assertThat(call("app", "undefinedRefused").path("ok").asText())
                .isEqualTo("D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'");
        assertThat(call("app", "objectRefused").path("ok").asText())
                .isEqualTo("D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'");
    }

    @Test
    void prepared_statements_first_all_run_and_raw() {
        deploy("app", createDatabase("db"));
        JsonNode ok = call("app", "statements").path("ok");
        assertThat(ok.path("run").toString()).isEqualTo("{\"success\":true,\"changes\":2,\"last_row_id\":2,"
                + "\"changed_db\":true,\"hasDuration\":true,\"size\":true,\"results\":[]}");
        assertThat(ok.path("first").toString()).isEqualTo("{\"id\":1,\"name\":\"a\"}");
        assertThat(ok.path("firstName").asText()).isEqualTo("ab");
        assertThat(ok.path("none").isNull()).isTrue();
        assertThat(ok.path("missing").asText()).isEqualTo("D1_COLUMN_NOTFOUND: Column not found (nope)");
        assertThat(ok.path("raw").toString()).isEqualTo("[[1,\"a\"],[2,\"ab\"]]");
        assertThat(ok.path("rawNames").toString()).isEqualTo("[[\"id\",\"name\"],[1,\"a\"],[2,\"ab\"]]");
        assertThat(ok.path("all").toString()).isEqualTo("[{\"name\":\"a\"},{\"name\":\"ab\"}]");
        assertThat(ok.path("allMeta").toString()).contains("\"changed_db\"", "\"changes\"", "\"duration\"",
                "\"last_row_id\"", "\"rows_read\"", "\"rows_written\"", "\"size_after\"");
    }

    @Test
    void a_batch_is_all_or_nothing_and_exec_runs_scripts() {
        deploy("app", createDatabase("db"));
        JsonNode batch = call("app", "batchAtomic").path("ok");
        assertThat(batch.path("error").asText()).isEqualTo("D1_ERROR: UNIQUE constraint failed: b.k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)");
        assertThat(batch.path("after").asInt()).isZero();
        assertThat(batch.path("okCount").asInt()).isEqualTo(2);
        assertThat(batch.path("okRows").toString()).isEqualTo("[{\"k\":\"x\"}]");
        JsonNode exec = call("app", "exec").path("ok");
        assertThat(exec.path("count").asInt()).isEqualTo(3);
        assertThat(exec.path("hasDuration").asBoolean()).isTrue();
        assertThat(exec.path("error").asText())
                .isEqualTo("D1_EXEC_ERROR: Error in line 2: INSERT INTO nope VALUES (1): no such table: nope: SQLITE_ERROR");
        assertThat(exec.path("n").asInt()).isEqualTo(2);
    }

    @Test
    void errors_reach_the_worker_in_d1s_words() {
        deploy("app", createDatabase("db"));
        assertThat(call("app", "errors").path("ok").toString()).isEqualTo("[\"Error: D1_ERROR: no such table: nowhere: "
                + "SQLITE_ERROR\",\"Error: D1_ERROR: near \\\"SELEC\\\": syntax error: SQLITE_ERROR\",\"Error: D1_ERROR: "
                + "not authorized: ATTACH is not allowed: a D1 database cannot reach other database files: SQLITE_AUTH\","
                + "\"Error: D1_ERROR: not authorized: PRAGMA journal_mode is not allowed in D1: SQLITE_AUTH\","
                + "\"D1_DUMP_ERROR\"]");
        assertThat(call("app", "session").path("ok").toString()).isEqualTo("{\"bookmark\":null,\"one\":1}");
    }

    @Test
    void concurrent_writers_are_serialized_and_every_write_is_kept_across_a_restart() throws Exception {
        deploy("app", createDatabase("db"));
        List<CompletableFuture<JsonNode>> writers = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            writers.add(CompletableFuture.supplyAsync(() -> call("app", "insert")));
        }
        for (CompletableFuture<JsonNode> w : writers) {
            assertThat(w.get().path("ok").isInt()).as(w.get().toString()).isTrue();
        }
        // each insert counted the rows before it inside its own transaction: 0..19, no number twice
        List<Integer> expected = java.util.stream.IntStream.range(0, 20).boxed().toList();
        assertThat(numbers(call("app", "written").path("ok"))).isEqualTo(expected);
        server.close();
        server = new TestServer(dir, List.of());
        assertThat(numbers(call("app", "written").path("ok"))).isEqualTo(expected);
    }

    static List<Integer> numbers(JsonNode array) {
        List<Integer> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Test
    void an_upload_naming_a_database_the_account_does_not_have_is_refused() {
        TestServer.Reply r = server.putModule(server.accountApi("/workers/scripts/app"),
                "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"d1\",\"name\":\"DB\","
                        + "\"id\":\"00000000-0000-4000-8000-000000000000\"}]}", "w.js", WORKER);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("wrangler d1 create");
        TestServer.Reply noId = server.putModule(server.accountApi("/workers/scripts/app"),
                "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"d1\",\"name\":\"DB\"}]}", "w.js", WORKER);
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.message()).contains("'id'");
    }

    @Test
    void a_query_that_runs_too_long_fails_clearly_and_other_workers_keep_working() throws Exception {
        server.close();
        server = new TestServer(dir, List.of(), D1Limits.defaults().withQueryTime(Duration.ofSeconds(1)));
        deploy("slow", createDatabase("slow"));
        deploy("other", createDatabase("other"));
        CompletableFuture<JsonNode> slow = CompletableFuture.supplyAsync(() -> call("slow", "forever"));
        for (int i = 0; i < 3; i++) {
            assertThat(call("other", "count").path("ok").asInt()).isZero();
        }
        JsonNode stopped = slow.get();
        assertThat(stopped.path("message").asText()).startsWith("D1_ERROR: the query exceeded its time limit of 1000 ms");
        assertThat(call("slow", "count").path("ok").asInt()).isZero();
    }
}

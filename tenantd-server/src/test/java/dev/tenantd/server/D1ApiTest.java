package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The D1 REST API against a real server: every endpoint, its refusals, and data that outlives a restart. */
class D1ApiTest {
    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(dir, List.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String create(String name) {
        TestServer.Reply r = server.postJson(server.accountApi("/d1/database"), "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode db = r.json().path("result");
        assertThat(db.path("name").asText()).isEqualTo(name);
        assertThat(db.path("version").asText()).isEqualTo("production");
        assertThat(db.path("created_at").asText()).isNotEmpty();
        return db.path("uuid").asText();
    }

    TestServer.Reply query(String id, String json) {
        return server.postJson(server.accountApi("/d1/database/" + id + "/query"), json);
    }

    @Test
    void create_list_get_and_delete() {
        String id = create("orders");
        create("users");
        TestServer.Reply list = server.get(server.accountApi("/d1/database"));
        assertThat(list.json().path("result").findValuesAsText("name")).containsExactly("orders", "users");
        TestServer.Reply filtered = server.get(server.accountApi("/d1/database?name=user"));
        assertThat(filtered.json().path("result").findValuesAsText("name")).containsExactly("users");
        TestServer.Reply paged = server.get(server.accountApi("/d1/database?per_page=1&page=2"));
        assertThat(paged.json().path("result").findValuesAsText("name")).containsExactly("users");

        query(id, "{\"sql\":\"CREATE TABLE t (a); CREATE TABLE u (b)\"}");
        for (String key : List.of(id, "orders")) {
            JsonNode info = server.get(server.accountApi("/d1/database/" + key)).json().path("result");
            assertThat(info.path("uuid").asText()).isEqualTo(id);
            assertThat(info.path("num_tables").asInt()).isEqualTo(2);
            assertThat(info.path("file_size").asLong()).isPositive();
        }

        assertThat(server.delete(server.accountApi("/d1/database/" + id)).status()).isEqualTo(200);
        TestServer.Reply gone = server.get(server.accountApi("/d1/database/" + id));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.code()).isEqualTo(7404);
        assertThat(dir.resolve("d1").resolve(id + ".sqlite")).doesNotExist();
    }

    @Test
    void a_taken_name_is_7502_and_a_bad_name_is_refused() {
        create("orders");
        TestServer.Reply again = server.postJson(server.accountApi("/d1/database"), "{\"name\":\"orders\"}");
        assertThat(again.code()).isEqualTo(7502);
        for (String body : List.of("{\"name\":\"../../etc\"}", "{}", "{\"name\":7}", "[1]", "not json", "")) {
            TestServer.Reply r = server.postJson(server.accountApi("/d1/database"), body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.message()).as(body).isNotEmpty();
        }
        assertThat(server.get(server.accountApi("/d1/database")).json().path("result")).hasSize(1);
    }

    @Test
    void an_account_has_at_most_its_limit_of_databases_with_the_code_wrangler_knows() throws Exception {
        server.close();
        server = new TestServer(dir, List.of(), dev.tenantd.platform.d1.D1Limits.defaults().withDatabasesPerAccount(2));
        create("one");
        String two = create("two");
        TestServer.Reply refused = server.postJson(server.accountApi("/d1/database"), "{\"name\":\"three\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo(7406);
        assertThat(refused.message()).isEqualTo("This account has 2 D1 databases, the most it may have "
                + "([d1] databases-per-account is 2); delete one first.");
        assertThat(server.get(server.accountApi("/d1/database")).json().path("result").findValuesAsText("name"))
                .containsExactly("one", "two");
        try (var files = java.nio.file.Files.list(dir.resolve("d1"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".sqlite"))).hasSize(2);
        }
        assertThat(server.delete(server.accountApi("/d1/database/" + two)).status()).isEqualTo(200);
        create("three");
    }

    @Test
    void query_returns_one_result_per_statement_with_meta() {
        String id = create("db");
        TestServer.Reply made = query(id, "{\"sql\":\"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, "
                + "data BLOB); INSERT INTO t (name, score, data) VALUES (?1, ?2, ?3)\",\"params\":[\"a\", 1, null]}");
        assertThat(made.status()).as(made.body()).isEqualTo(400);
        assertThat(made.message()).contains("exactly one SQL statement");

        assertThat(query(id, "{\"sql\":\"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)\"}")
                .status()).isEqualTo(200);
        TestServer.Reply insert = query(id, "{\"sql\":\"INSERT INTO t (name, score, data) VALUES (?, ?, ?)\","
                + "\"params\":[\"ada\", 1.5, [1, 2, 255]]}");
        JsonNode meta = insert.json().path("result").path(0).path("meta");
        assertThat(meta.path("changes").asInt()).isEqualTo(1);
        assertThat(meta.path("last_row_id").asInt()).isEqualTo(1);
        assertThat(meta.path("changed_db").asBoolean()).isTrue();
        assertThat(meta.path("size_after").asLong()).isPositive();

        JsonNode results = query(id, "{\"sql\":\"SELECT name, score, data FROM t; SELECT count(*) AS n FROM t\"}")
                .json().path("result");
        assertThat(results).hasSize(2);
        assertThat(results.path(0).path("success").asBoolean()).isTrue();
        assertThat(results.path(0).path("results").path(0).toString())
                .isEqualTo("{\"name\":\"ada\",\"score\":1.5,\"data\":[1,2,255]}");
        assertThat(results.path(1).path("results").path(0).path("n").asInt()).isEqualTo(1);

        JsonNode raw = server.postJson(server.accountApi("/d1/database/" + id + "/raw"),
                "{\"sql\":\"SELECT id, name FROM t\"}").json().path("result").path(0).path("results");
        assertThat(raw.path("columns").toString()).isEqualTo("[\"id\",\"name\"]");
        assertThat(raw.path("rows").toString()).isEqualTo("[[1,\"ada\"]]");
    }

    @Test
    void bad_sql_and_bad_params_are_clear_errors_and_change_nothing() {
        String id = create("db");
        query(id, "{\"sql\":\"CREATE TABLE t (k TEXT UNIQUE)\"}");
        query(id, "{\"sql\":\"INSERT INTO t VALUES ('a')\"}");
        TestServer.Reply missing = query(id, "{\"sql\":\"SELECT * FROM nope\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo(7500);
        assertThat(missing.message()).isEqualTo("no such table: nope: SQLITE_ERROR");
        TestServer.Reply unique = query(id, "{\"sql\":\"INSERT INTO t VALUES ('b'); INSERT INTO t VALUES ('a')\"}");
        assertThat(unique.message()).isEqualTo("UNIQUE constraint failed: t.k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)");
        assertThat(query(id, "{\"sql\":\"SELECT * FROM t\",\"params\":{\"a\":1}}").code()).isEqualTo(7400);
        assertThat(query(id, "{\"sql\":\"SELECT ?\",\"params\":[{\"a\":1}]}").message())
                .startsWith("Type 'object' not supported");
        assertThat(query(id, "{\"sql\":\"SELECT ?\",\"params\":[1, 2]}").message())
                .contains("Wrong number of parameter bindings");
        assertThat(query(id, "{\"sql\":\"ATTACH '/tmp/x.db' AS x\"}").message()).endsWith("SQLITE_AUTH");
        assertThat(query(id, "{\"params\":[]}").code()).isEqualTo(7400);
        assertThat(query(id, "{\"sql\":\"SELECT k FROM t\"}").json().path("result").path(0).path("results"))
                .hasSize(1);
    }

    @Test
    void a_body_of_more_json_tokens_than_a_request_may_have_is_refused_before_it_is_a_tree() {
        String id = create("db");
        // 2,000,001 tokens in 4 MB: as a tree, some 150 MB of the heap every tenant shares.
        TestServer.Reply r = query(id, "{\"sql\":\"SELECT 1\",\"params\":[" + "0,".repeat(1_999_995) + "0]}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.message()).contains("Token count (2000001) exceeds the maximum allowed (2000000");
        assertThat(query(id, "{\"sql\":\"SELECT 1\"}").status()).isEqualTo(200);
    }

    @Test
    void unknown_ids_and_other_accounts_are_refused() {
        String id = create("db");
        assertThat(query("00000000-0000-4000-8000-000000000000", "{\"sql\":\"SELECT 1\"}").code()).isEqualTo(7404);
        assertThat(query("not-a-uuid", "{\"sql\":\"SELECT 1\"}").code()).isEqualTo(7404);
        TestServer.Reply other = server.postJson(server.api("/accounts/someone-else/d1/database/" + id + "/query"),
                "{\"sql\":\"SELECT 1\"}");
        assertThat(other.status()).isEqualTo(403);
        assertThat(server.get(server.api("/accounts/someone-else/d1/database")).status()).isEqualTo(403);
    }

    @Test
    void databases_outlive_a_restart() {
        String id = create("kept");
        query(id, "{\"sql\":\"CREATE TABLE t (a); INSERT INTO t VALUES ('still here')\"}");
        server.close();
        server = new TestServer(dir, List.of());
        JsonNode rows = query(id, "{\"sql\":\"SELECT a FROM t\"}").json().path("result").path(0).path("results");
        assertThat(rows.path(0).path("a").asText()).isEqualTo("still here");
        assertThat(server.get(server.accountApi("/d1/database/kept")).json().path("result").path("uuid").asText())
                .isEqualTo(id);
    }

    @Test
    void an_sql_file_is_imported_through_an_upload_url_as_wrangler_does() throws Exception {
        String id = create("db");
        byte[] sql = """
                PRAGMA foreign_keys=OFF;
                BEGIN TRANSACTION;
                CREATE TABLE t (a TEXT);
                INSERT INTO t VALUES ('one;with semicolon');
                INSERT INTO t VALUES ('two');
                COMMIT;
                """.getBytes(StandardCharsets.UTF_8);
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sql));
        String importUrl = server.accountApi("/d1/database/" + id + "/import");
        JsonNode init = server.postJson(importUrl, "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").json().path("result");
        String uploadUrl = init.path("upload_url").asText();
        assertThat(uploadUrl).startsWith("http://127.0.0.1:" + server.server.apiPort() + "/");

        TestServer.Reply wrongSecret = server.send(HttpRequest.newBuilder(URI.create(uploadUrl + "x"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
        assertThat(wrongSecret.status()).isEqualTo(404);
        TestServer.Reply uploaded = server.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
        assertThat(uploaded.status()).isEqualTo(200);
        assertThat(uploaded.headers().firstValue("etag")).contains("\"" + etag + "\"");

        JsonNode done = server.postJson(importUrl, "{\"action\":\"ingest\",\"filename\":\"" + init.path("filename")
                .asText() + "\",\"etag\":\"" + etag + "\"}").json().path("result");
        assertThat(done.path("status").asText()).isEqualTo("complete");
        assertThat(done.path("result").path("num_queries").asInt()).isEqualTo(4);
        assertThat(query(id, "{\"sql\":\"SELECT count(*) AS n FROM t\"}").json().path("result").path(0)
                .path("results").path(0).path("n").asInt()).isEqualTo(2);

        TestServer.Reply again = server.postJson(importUrl, "{\"action\":\"ingest\",\"filename\":\""
                + init.path("filename").asText() + "\",\"etag\":\"" + etag + "\"}");
        assertThat(again.status()).isEqualTo(400);
    }

    @Test
    void an_upload_to_an_unknown_url_is_refused_before_its_body_is_sent() throws Exception {
        // Headers of a 60 MB upload and a few bytes of it: the answer must not wait for the rest.
        try (RawHttp raw = RawHttp.connect(server.server.apiPort())) {
            raw.send("PUT /d1-uploads/" + "ab".repeat(24) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 60000000\r\n\r\nINSERT INTO");
            RawHttp.Response refused = raw.response();
            assertThat(refused.status()).isEqualTo(404);
            assertThat(TestServer.JSON.readTree(refused.body()).path("errors").path(0).path("code").asInt()).isEqualTo(7404);
            assertThat(refused.body()).contains("upload URL is not valid");
        }
        // A URL that was handed out still takes its upload.
        String id = create("db");
        byte[] sql = "CREATE TABLE t (a);\n".getBytes(StandardCharsets.UTF_8);
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sql));
        JsonNode init = server.postJson(server.accountApi("/d1/database/" + id + "/import"),
                "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").json().path("result");
        TestServer.Reply uploaded = server.send(HttpRequest.newBuilder(URI.create(init.path("upload_url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
        assertThat(uploaded.status()).isEqualTo(200);
    }

    @Test
    void an_upload_url_takes_one_upload_at_a_time_and_an_account_a_bounded_number_of_imports() throws Exception {
        String id = create("db");
        byte[] sql = "CREATE TABLE t (a);\n".getBytes(StandardCharsets.UTF_8);
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sql));
        String importUrl = server.accountApi("/d1/database/" + id + "/import");
        URI upload = URI.create(server.postJson(importUrl, "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").json()
                .path("result").path("upload_url").asText());
        RawHttp[] holder = new RawHttp[1];
        // An upload that has sent a few bytes of 1,000 and waits; then another. The server may take
        // the second before the first (two connections), so the pair is tried until the waiting one
        // holds the URL when the other comes.
        TestServer.Reply second = Await.value(() -> {
            try {
                RawHttp first = RawHttp.connect(server.server.apiPort());
                first.send("PUT " + upload.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nCREATE");
                TestServer.Reply r = server.send(HttpRequest.newBuilder(upload).PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
                if (r.status() == 503) {
                    holder[0] = first;
                    return r;
                }
                first.close();
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "an upload to be refused while another is read");
        assertThat(second.message()).contains("being read already");
        holder[0].close();
        // The first one gone, the URL takes an upload again.
        TestServer.Reply again = Await.value(() -> {
            TestServer.Reply r = server.send(HttpRequest.newBuilder(upload).PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
            return r.status() == 200 ? r : null;
        }, "the URL to be free again");
        assertThat(again.headers().firstValue("etag")).contains("\"" + etag + "\"");

        for (int i = 1; i < 16; i++) {
            TestServer.Reply begun = server.postJson(importUrl, "{\"action\":\"init\",\"etag\":\"" + etag + "\"}");
            assertThat(begun.status()).as(begun.body()).isEqualTo(200);
        }
        TestServer.Reply tooMany = server.postJson(importUrl, "{\"action\":\"init\",\"etag\":\"" + etag + "\"}");
        assertThat(tooMany.status()).isEqualTo(503);
        assertThat(tooMany.message()).contains("16 imports begun");
    }

    @Test
    void a_failing_import_leaves_the_database_as_it_was() throws Exception {
        String id = create("db");
        byte[] sql = "CREATE TABLE t (a);\nINSERT INTO t VALUES (1);\nINSERT INTO nope VALUES (2);\n"
                .getBytes(StandardCharsets.UTF_8);
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(sql));
        String importUrl = server.accountApi("/d1/database/" + id + "/import");
        JsonNode init = server.postJson(importUrl, "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").json().path("result");
        server.send(HttpRequest.newBuilder(URI.create(init.path("upload_url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(sql)));
        TestServer.Reply failed = server.postJson(importUrl, "{\"action\":\"ingest\",\"filename\":\""
                + init.path("filename").asText() + "\",\"etag\":\"" + etag + "\"}");
        assertThat(failed.status()).isEqualTo(400);
        assertThat(failed.message()).isEqualTo("no such table: nope: SQLITE_ERROR");
        assertThat(query(id, "{\"sql\":\"SELECT count(*) AS n FROM sqlite_schema\"}").json().path("result").path(0)
                .path("results").path(0).path("n").asInt()).isZero();
    }
}

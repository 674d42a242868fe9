package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KV REST API on a real server: every endpoint, its limits and its refusals. */
class KvApiTest {
    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() {
        s = new TestServer(dir, List.of());
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    static String enc(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    String ns(String path) {
        return s.accountApi("/storage/kv/namespaces" + path);
    }

    String create(String title) {
        TestServer.Reply r = s.postJson(ns(""), "{\"title\":\"" + title + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("result").path("id").asText();
    }

    TestServer.Reply put(String url, byte[] body) {
        return s.send(s.authed(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    TestServer.Reply put(String url, String body) {
        return put(url, body.getBytes(StandardCharsets.UTF_8));
    }

    TestServer.Reply putJson(String url, String json) {
        return s.send(s.authed(url).header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    TestServer.Reply deleteJson(String url, String json) {
        return s.send(s.authed(url).header("content-type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
    }

    byte[] getBytes(String url) {
        try {
            HttpResponse<byte[]> r = s.http.send(s.authed(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    List<String> keys(String id) {
        return s.get(ns("/" + id + "/keys")).json().path("result").findValuesAsText("name");
    }

    static java.util.Map<String, String> refusedReplyHeaders(TestServer.Reply r) {
        assertThat(r.status()).isGreaterThanOrEqualTo(400);
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        r.headers().map().forEach((name, values) -> headers.put(name, values.getFirst()));
        return headers;
    }

    static void refused(TestServer.Reply r, int status, int code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.code()).as(r.body()).isEqualTo(code);
        assertThat(r.message()).contains(messagePart);
    }

    @Test
    void a_namespace_is_created_listed_renamed_and_deleted() {
        String id = create("sessions");
        create("assets");
        TestServer.Reply listed = s.get(ns("?per_page=100&order=title&direction=asc&page=1"));
        // An account's data is never kept by a cache, nor read as anything but JSON.
        assertThat(listed.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(listed.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(refusedReplyHeaders(s.get(ns("/missing")))).containsEntry("cache-control", "no-store");
        JsonNode list = listed.json();
        assertThat(list.path("result").findValuesAsText("title")).containsExactly("assets", "sessions");
        assertThat(list.path("result_info").path("total_count").asInt()).isEqualTo(2);
        assertThat(list.path("result").path(0).path("supports_url_encoding").asBoolean()).isTrue();
        assertThat(s.get(ns("?per_page=1&page=2")).json().path("result").findValuesAsText("title")).containsExactly("sessions");

        assertThat(s.get(ns("/" + id)).json().path("result").path("title").asText()).isEqualTo("sessions");
        TestServer.Reply renamed = putJson(ns("/" + id), "{\"title\":\"logins\"}");
        assertThat(renamed.json().path("result").path("title").asText()).isEqualTo("logins");
        assertThat(s.delete(ns("/" + id)).status()).isEqualTo(200);
        refused(s.get(ns("/" + id)), 404, 10013, "namespace not found");
        assertThat(s.get(ns("")).json().path("result").findValuesAsText("title")).containsExactly("assets");
    }

    @Test
    void a_duplicate_or_bad_title_is_refused_and_changes_nothing() {
        String id = create("one");
        create("two");
        refused(s.postJson(ns(""), "{\"title\":\"one\"}"), 400, 10014, "a namespace with this account ID and title already exists");
        refused(putJson(ns("/" + id), "{\"title\":\"two\"}"), 400, 10014, "already exists");
        refused(s.postJson(ns(""), "{\"title\":\"\"}"), 400, 10019, "must not be empty");
        refused(s.postJson(ns(""), "{\"title\":\"" + "x".repeat(600) + "\"}"), 400, 10019, "at most 512");
        refused(s.postJson(ns(""), "{\"name\":\"wrong field\"}"), 400, 10014, "title");
        refused(s.postJson(ns(""), "{not json"), 400, 10014, "not valid JSON");
        refused(s.get(ns("?per_page=0")), 400, 10014, "per_page");
        refused(s.get(ns("?order=size")), 400, 10014, "order");
        assertThat(s.get(ns("")).json().path("result").findValuesAsText("title")).containsExactly("one", "two");
    }

    @Test
    void kv_needs_a_valid_token_before_any_body_is_read() {
        String id = create("guarded");
        TestServer.Reply none = s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ns("/" + id + "/values/k")))
                .PUT(HttpRequest.BodyPublishers.ofString("v")));
        refused(none, 401, 9106, "Authorization");
        TestServer.Reply wrong = s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ns("")))
                .header("Authorization", "Bearer not-the-token").GET());
        refused(wrong, 403, 10000, "not valid");
        assertThat(keys(id)).isEmpty();
    }

    @Test
    void another_accounts_namespace_is_not_found_and_untouched() {
        String theirs = s.server.kv().createNamespace("someone-else", "private").join().id();
        refused(s.get(ns("/" + theirs)), 404, 10013, "namespace not found");
        refused(put(ns("/" + theirs + "/values/k"), "stolen"), 404, 10013, "namespace not found");
        refused(s.get(ns("/" + theirs + "/values/k")), 404, 10013, "namespace not found");
        refused(s.delete(ns("/" + theirs)), 404, 10013, "namespace not found");
        assertThat(s.get(ns("")).json().path("result").size()).isZero();
        assertThat(s.server.kv().list("someone-else", theirs, "", 10, java.util.Optional.empty()).join().keys()).isEmpty();
        refused(s.get(s.api("/accounts/someone-else/storage/kv/namespaces")), 403, 9109, "someone-else");
    }

    @Test
    void values_round_trip_as_raw_bytes_under_any_key() {
        String id = create("values");
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        for (String key : List.of("plain", "a/b/c", "with space", "ünï/😀", "q?x=1&y#z", "%41", "back\\slash", "tab\tkey")) {
            TestServer.Reply r = put(ns("/" + id + "/values/" + enc(key)), binary);
            assertThat(r.status()).as(key + ": " + r.body()).isEqualTo(200);
            assertThat(getBytes(ns("/" + id + "/values/" + enc(key)))).as(key).containsExactly(binary);
        }
        assertThat(keys(id)).contains("a/b/c", "ünï/😀", "%41", "tab\tkey");
        assertThat(s.delete(ns("/" + id + "/values/" + enc("a/b/c"))).status()).isEqualTo(200);
        refused(s.get(ns("/" + id + "/values/" + enc("a/b/c"))), 404, 10009, "get: 'key not found'");
        assertThat(s.delete(ns("/" + id + "/values/never-there")).status()).isEqualTo(200);
    }

    @Test
    void metadata_and_expiration_are_written_with_a_value_and_shown_by_list() {
        String id = create("meta");
        long ttlStart = Instant.now().getEpochSecond();
        TestServer.Reply r = s.putMultipart(ns("/" + id + "/values/" + enc("user:1") + "?expiration_ttl=3600"),
                new TestServer.Multipart().file("value", "blob", "application/octet-stream", "hello")
                        .part("form-data; name=\"metadata\"", null, "{\"plan\": \"pro\", \"n\": 1}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(new String(getBytes(ns("/" + id + "/values/user%3A1")), StandardCharsets.UTF_8)).isEqualTo("hello");
        JsonNode meta = s.get(ns("/" + id + "/metadata/user%3A1")).json().path("result");
        assertThat(meta.path("plan").asText()).isEqualTo("pro");
        JsonNode listed = s.get(ns("/" + id + "/keys")).json().path("result").path(0);
        assertThat(listed.path("name").asText()).isEqualTo("user:1");
        assertThat(listed.path("metadata").path("n").asInt()).isEqualTo(1);
        assertThat(listed.path("expiration").asLong()).isBetween(ttlStart + 3600, Instant.now().getEpochSecond() + 3600);

        long at = Instant.now().getEpochSecond() + 7200;
        assertThat(put(ns("/" + id + "/values/later?expiration=" + at), "v").status()).isEqualTo(200);
        assertThat(s.get(ns("/" + id + "/keys?prefix=later")).json().path("result").path(0).path("expiration").asLong()).isEqualTo(at);
        assertThat(s.get(ns("/" + id + "/metadata/later")).json().path("result").isNull()).isTrue();
        refused(s.get(ns("/" + id + "/metadata/missing")), 404, 10009, "key not found");
    }

    @Test
    void bad_keys_values_metadata_and_expirations_are_refused_and_store_nothing() {
        String id = create("limits");
        String values = "/" + id + "/values/";
        refused(put(ns(values + "k".repeat(513)), "v"), 414, 10020, "UTF-8 encoded length of 513 exceeds key length limit of 512");
        refused(put(ns(values + enc("é".repeat(257))), "v"), 414, 10020, "514");
        refused(put(ns(values + "%2E"), "v"), 400, 10016, "'.' and '..' are not names");
        refused(put(ns(values + "k?expiration_ttl=30"), "v"), 400, 10033, "Invalid expiration_ttl of 30. Expiration TTL must be at least 60.");
        refused(put(ns(values + "k?expiration_ttl=abc"), "v"), 400, 10033, "Invalid expiration_ttl of abc");
        refused(put(ns(values + "k?expiration=1000"), "v"), 400, 10033, "Invalid expiration of 1000");
        refused(put(ns(values + "k?expiration_ttl=" + Long.MAX_VALUE), "v"), 400, 10033, "before the year 10000");
        refused(put(ns(values + "k?expiration=" + Long.MAX_VALUE), "v"), 400, 10033, "before the year 10000");
        refused(put(ns(values + "k?expiration=" + (Instant.now().getEpochSecond() + 10)), "v"), 400, 10033,
                "at least 60 seconds in the future");
        refused(s.putMultipart(ns(values + "k"), new TestServer.Multipart().file("value", "blob", null, "v")
                .part("form-data; name=\"metadata\"", null, "{\"big\":\"" + "x".repeat(1100) + "\"}")), 413, 10012,
                "exceeds limit of 1024");
        refused(s.putMultipart(ns(values + "k"), new TestServer.Multipart().file("value", "blob", null, "v")
                .part("form-data; name=\"metadata\"", null, "{oops")), 400, 10012, "not valid JSON");
        refused(s.putMultipart(ns(values + "k"), new TestServer.Multipart().part("form-data; name=\"metadata\"", null, "{}")),
                400, 10014, "'value'");
        refused(put(ns(values + "big"), new byte[25 * 1024 * 1024 + 1]), 413, 10011, "Value length of 26214401 exceeds limit of 26214400.");
        refused(put(ns("/" + "0".repeat(32) + "/values/k"), "v"), 404, 10013, "namespace not found");
        assertThat(keys(id)).isEmpty();

        assertThat(put(ns(values + "largest"), new byte[25 * 1024 * 1024]).status()).isEqualTo(200);
        assertThat(getBytes(ns(values + "largest"))).hasSize(25 * 1024 * 1024);
    }

    @Test
    void keys_are_listed_in_pages_with_a_cursor() {
        String id = create("paged");
        TestServer.Reply bulk = putJson(ns("/" + id + "/bulk"), IntStream.range(0, 25)
                .mapToObj(i -> "{\"key\":\"item:%02d\",\"value\":\"v\"}".formatted(i))
                .collect(java.util.stream.Collectors.joining(",", "[", "]")));
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        put(ns("/" + id + "/values/other"), "v");
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = s.get(ns("/" + id + "/keys?prefix=item:&limit=10" + (cursor.isEmpty() ? "" : "&cursor=" + cursor))).json();
            seen.addAll(page.path("result").findValuesAsText("name"));
            cursor = page.path("result_info").path("cursor").asText();
            assertThat(page.path("result_info").path("count").asInt()).isEqualTo(page.path("result").size());
            pages++;
        } while (!cursor.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25).isSorted().allMatch(k -> k.startsWith("item:"));
        refused(s.get(ns("/" + id + "/keys?limit=0")), 400, 10014, "greater than 0");
        refused(s.get(ns("/" + id + "/keys?limit=1001")), 400, 10014, "1000");
        refused(s.get(ns("/" + id + "/keys?cursor=***")), 400, 10014, "cursor");
    }

    @Test
    void a_bulk_write_stores_every_entry_or_none() {
        String id = create("bulk");
        TestServer.Reply ok = putJson(ns("/" + id + "/bulk"), """
                [{"key":"a","value":"alpha"},
                 {"key":"b","value":"AAEC","base64":true,"metadata":{"kind":"bytes"}},
                 {"key":"c","value":"gamma","expiration_ttl":600}]""");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("result").path("successful_key_count").asInt()).isEqualTo(3);
        assertThat(getBytes(ns("/" + id + "/values/b"))).containsExactly(0, 1, 2);
        assertThat(s.get(ns("/" + id + "/metadata/b")).json().path("result").path("kind").asText()).isEqualTo("bytes");

        refused(putJson(ns("/" + id + "/bulk"), """
                [{"key":"d","value":"new"},{"key":"a","value":"changed"},{"key":"e","value":"x","expiration_ttl":5}]"""),
                400, 10033, "Entry 2 (key 'e')");
        refused(putJson(ns("/" + id + "/bulk"), "[{\"key\":\"d\",\"value\":\"new\"},{\"key\":\"" + "k".repeat(600) + "\",\"value\":\"v\"}]"),
                414, 10020, "Entry 1");
        refused(putJson(ns("/" + id + "/bulk"), "[{\"key\":\"d\",\"value\":\"new\"},{\"key\":\"e\",\"value\":\"x\","
                + "\"expiration_ttl\":" + Long.MAX_VALUE + "}]"), 400, 10033, "Entry 1 (key 'e')");
        refused(putJson(ns("/" + id + "/bulk"), "[{\"key\":\"d\",\"value\":\"new\"},{\"key\":\"e\"}]"), 400, 10014, "'value'");
        refused(putJson(ns("/" + id + "/bulk"), "[{\"key\":\"d\",\"value\":\"%%%\",\"base64\":true}]"), 400, 10014, "not base64");
        refused(putJson(ns("/" + id + "/bulk"), "{\"key\":\"d\"}"), 400, 10014, "JSON array");
        refused(putJson(ns("/" + id + "/bulk"), "[{\"key\":"), 400, 10014, "not valid JSON");
        refused(putJson(ns("/" + id + "/bulk"), "[1]"), 400, 10014, "Entry 0");
        refused(putJson(ns("/" + id + "/bulk"), IntStream.range(0, 10_001).mapToObj(i -> "{\"key\":\"n" + i + "\",\"value\":\"v\"}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"))), 400, 10014, "at most 10000 entries");
        assertThat(keys(id)).containsExactly("a", "b", "c");
        assertThat(new String(getBytes(ns("/" + id + "/values/a")), StandardCharsets.UTF_8)).isEqualTo("alpha");
    }

    /** A reply, and the bytes every thread of this JVM (the server's included) allocated while it was asked for. */
    record Measured(TestServer.Reply reply, long allocated) {
        static Measured of(java.util.function.Supplier<TestServer.Reply> ask) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                    .getThreadMXBean();
            long before = threads.getTotalThreadAllocatedBytes();
            TestServer.Reply reply = ask.get();
            return new Measured(reply, threads.getTotalThreadAllocatedBytes() - before);
        }
    }

    @Test
    void a_bulk_body_is_read_entry_by_entry_so_small_entries_cannot_blow_it_up_in_memory() {
        String id = create("bulk-bomb");
        // What the bodies themselves take on their way (about 40 MB here), and room to spare.
        long bound = 120L * 1024 * 1024;
        // 6 MB of empty objects: as one tree of the whole document, some 250 MB allocated. The
        // first is refused before the others are read.
        String empties = "[" + "{},".repeat(2_000_000) + "{}]";
        Measured m = Measured.of(() -> putJson(ns("/" + id + "/bulk"), empties));
        assertThat(m.allocated()).as("bytes allocated for a 6 MB body").isLessThan(bound);
        refused(m.reply(), 400, 10014, "Entry 0 of the bulk write needs a string 'key'");
        String keys = "[" + "\"k\",".repeat(2_000_000) + "\"k\"]";
        m = Measured.of(() -> deleteJson(ns("/" + id + "/bulk"), keys));
        assertThat(m.allocated()).as("bytes allocated for an 8 MB body").isLessThan(bound);
        refused(m.reply(), 400, 10014, "at most 10000 entries");
        // Metadata is cut off at its limit, not read whole first.
        String metadata = "[{\"key\":\"k\",\"value\":\"v\",\"metadata\":[" + "[],".repeat(2_000_000) + "[]]}]";
        m = Measured.of(() -> putJson(ns("/" + id + "/bulk"), metadata));
        assertThat(m.allocated()).as("bytes allocated for 6 MB of metadata").isLessThan(bound);
        refused(m.reply(), 413, 10012, "Entry 0: metadata length exceeds limit of 1024");
        assertThat(keys(id)).isEmpty();
    }

    @Test
    void a_bulk_read_copies_json_values_as_they_are_stored_not_as_trees() {
        String id = create("bulk-json");
        // 3,000,000 numbers in 6 MB: as a tree, over 100 MB; and more tokens than a request body may have.
        String numbers = "[" + "0,".repeat(2_999_999) + "0]";
        assertThat(put(ns("/" + id + "/values/numbers"), numbers).status()).isEqualTo(200);
        Measured m = Measured.of(() -> s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"numbers\"],\"type\":\"json\"}"));
        assertThat(m.allocated()).as("bytes allocated for a 6 MB answer").isLessThan(120L * 1024 * 1024);
        assertThat(m.reply().status()).as(m.reply().body().substring(0, Math.min(200, m.reply().body().length()))).isEqualTo(200);
        assertThat(m.reply().body()).isEqualTo("{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"values\":"
                + "{\"numbers\":" + numbers + "}}}");
        // 12 MiB of NUL bytes read as text: each escaped to six characters, past the answer's 64 MiB.
        assertThat(put(ns("/" + id + "/values/nul"), new byte[12 * 1024 * 1024]).status()).isEqualTo(200);
        refused(s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"nul\"]}"), 400, 10014,
                "The values asked for come to more than 64 MiB as JSON text; ask for fewer keys at a time.");
        assertThat(put(ns("/" + id + "/values/plain"), "plain text").status()).isEqualTo(200);
        refused(s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"numbers\",\"plain\"],\"type\":\"json\"}"), 400, 10014,
                "At least one of the requested keys corresponds to a non-json value.");
    }

    @Test
    void a_bulk_value_may_be_as_large_as_a_single_one() {
        String id = create("bulk-large");
        // Over the 20 million characters a JSON string may have by default, under KV's 25 MiB.
        String large = "x".repeat(21_000_000);
        TestServer.Reply r = putJson(ns("/" + id + "/bulk"), "[{\"key\":\"large\",\"value\":\"" + large + "\"}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(getBytes(ns("/" + id + "/values/large"))).hasSize(21_000_000);
    }

    @Test
    void bulk_delete_and_bulk_get_take_json_lists_of_keys() {
        String id = create("bulk-delete");
        putJson(ns("/" + id + "/bulk"), "[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"{\\\"x\\\":2}\","
                + "\"metadata\":[1]},{\"key\":\"c\",\"value\":\"3\"},{\"key\":\"d\",\"value\":\"4\"}]");
        JsonNode got = s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"b\",\"zz\"],\"type\":\"json\",\"withMetadata\":true}")
                .json().path("result").path("values");
        assertThat(got.path("b").path("value").path("x").asInt()).isEqualTo(2);
        assertThat(got.path("b").path("metadata").path(0).asInt()).isEqualTo(1);
        assertThat(got.path("zz").isNull()).isTrue();
        refused(s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"a\"],\"type\":\"stream\"}"), 400, 10014, "not a valid type");
        refused(s.postJson(ns("/" + id + "/bulk/get"), "{\"keys\":[\"a\"],\"type\":{\"keys\":5}}"), 400, 10014, "not a valid type");

        assertThat(s.postJson(ns("/" + id + "/bulk/delete"), "[\"a\",\"missing\"]").status()).isEqualTo(200);
        assertThat(deleteJson(ns("/" + id + "/bulk"), "[\"c\"]").status()).isEqualTo(200);
        refused(deleteJson(ns("/" + id + "/bulk"), "[\"d\", 5]"), 400, 10014, "Entry 1");
        refused(s.postJson(ns("/" + id + "/bulk/delete"), "\"d\""), 400, 10014, "JSON array");
        assertThat(keys(id)).containsExactly("b", "d");
    }

    @Test
    void deleting_a_namespace_deletes_its_values() {
        String id = create("gone");
        put(ns("/" + id + "/values/k"), "v");
        s.delete(ns("/" + id));
        refused(s.get(ns("/" + id + "/values/k")), 404, 10013, "namespace not found");
        refused(s.get(ns("/" + id + "/keys")), 404, 10013, "namespace not found");
    }

    @Test
    void namespaces_and_values_survive_a_restart() {
        String id = create("durable");
        put(ns("/" + id + "/values/" + enc("k/1")), "kept");
        s.close();
        s = new TestServer(dir, List.of());
        assertThat(s.get(ns("")).json().path("result").findValuesAsText("title")).containsExactly("durable");
        assertThat(new String(getBytes(ns("/" + id + "/values/" + enc("k/1"))), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void concurrent_writers_leave_every_key_with_one_of_the_values_written() throws Exception {
        String id = create("concurrent");
        int threads = 8;
        int perThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        assertThat(put(ns("/" + id + "/values/shared"), "t" + thread + "-" + i).status()).isEqualTo(200);
                        assertThat(put(ns("/" + id + "/values/own-" + thread + "-" + i), "t" + thread + "-" + i).status())
                                .isEqualTo(200);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = s.get(ns("/" + id + "/keys" + (cursor.isEmpty() ? "" : "?cursor=" + cursor))).json();
            all.addAll(page.path("result").findValuesAsText("name"));
            cursor = page.path("result_info").path("cursor").asText();
        } while (!cursor.isEmpty());
        assertThat(all).hasSize(threads * perThread + 1).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            assertThat(new String(getBytes(ns("/" + id + "/values/own-" + t + "-3")), StandardCharsets.UTF_8)).isEqualTo("t" + t + "-3");
        }
        assertThat(new String(getBytes(ns("/" + id + "/values/shared")), StandardCharsets.UTF_8)).matches("t[0-7]-\\d+");
    }
}

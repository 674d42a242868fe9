package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the API reads request bodies, tried as an attacker would: no byte of a body
 * is read before the token is checked, no upload ever lands on disk, the number of
 * parts is capped, parts are unambiguous, module names stay inside the upload and
 * a path never reaches another endpoint than the one it names.
 */
class UploadBodyTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Path uploads;
    WatchService watcher;

    static final String NS = "/workers/dispatch/namespaces";
    static final String MODULE = "export default { fetch() { return new Response('ok'); } };";

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(dir, List.of());
        t.createNamespace("customers");
        assertThat(t.putJs(t.accountApi("/workers/scripts/dispatcher"),
                "addEventListener('fetch', (e) => e.respondWith(new Response('the dispatcher')));").status()).isEqualTo(200);
        uploads = dir.resolve("tmp").resolve("uploads");
        Files.createDirectories(uploads);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** Every file created in the upload directory during a test is a failure of that test. */
    @BeforeEach
    void watchUploads() throws Exception {
        watcher = FileSystems.getDefault().newWatchService();
        uploads.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    }

    @AfterEach
    void noFileWasEverWritten() throws Exception {
        // The server has answered every request of the test; a file it wrote would have been seen by now.
        WatchKey key = watcher.poll(200, TimeUnit.MILLISECONDS);
        List<String> created = key == null ? List.of() : key.pollEvents().stream().map(e -> String.valueOf(e.context())).toList();
        watcher.close();
        assertThat(created).as("files written under " + uploads).isEmpty();
        try (Stream<Path> left = Files.list(uploads)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    static TestServer.Multipart manyParts(int count) {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"m0.js\"}");
        for (int i = 0; i < count; i++) {
            body.file("m" + i + ".js", "m" + i + ".js", "application/javascript+module", MODULE);
        }
        return body;
    }

    static HttpRequest.Builder put(String url, TestServer.Multipart body) {
        return HttpRequest.newBuilder(URI.create(url)).header("content-type", body.contentType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
    }

    void assertRefused(TestServer.Reply r, int status, int code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("result").isNull()).isTrue();
        assertThat(r.code()).as(r.body()).isEqualTo(code);
        assertThat(r.message()).contains(messagePart);
    }

    void assertNotStored(String name) {
        assertThat(t.get(t.accountApi(NS + "/customers/scripts/" + name)).status()).isEqualTo(404);
    }

    // ---- authentication comes before the body

    @Test
    void a_wrong_or_missing_token_is_refused_before_a_large_multipart_body_is_read() {
        String url = t.accountApi(NS + "/customers/scripts/anon");
        TestServer.Reply wrong = t.send(put(url, manyParts(400)).header("Authorization", "Bearer wrong-token"));
        assertRefused(wrong, 403, 10000, "not valid");
        TestServer.Reply missing = t.send(put(url, manyParts(400)));
        assertRefused(missing, 401, 9106, "Authorization");
        TestServer.Reply few = t.send(put(url, manyParts(3)).header("Authorization", "Bearer wrong-token"));
        assertRefused(few, 403, 10000, "not valid");
        assertNotStored("anon");
    }

    @Test
    void a_wrong_token_on_the_asset_upload_endpoint_is_refused_before_the_body_is_read() {
        TestServer.Multipart body = new TestServer.Multipart().file("0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef", "application/octet-stream", "PHA+aGk8L3A+");
        TestServer.Reply r = t.send(put(t.accountApi("/workers/assets/upload?base64=true"), body)
                .method("POST", HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                .header("Authorization", "Bearer not-a-session"));
        assertRefused(r, 401, 10001, "upload token");
    }

    @Test
    void upload_files_an_earlier_version_left_behind_are_removed_at_start(@TempDir Path other) throws Exception {
        Path left = other.resolve("tmp").resolve("uploads");
        Files.createDirectories(left.resolve("nested"));
        Files.writeString(left.resolve("3f6c0a7e-part"), "half an upload");
        Files.writeString(left.resolve("nested").resolve("another"), "x");
        // and the throwaway server of a warm-up the process ended during
        Path warmUp = other.resolve("tmp").resolve("warm-up");
        Files.createDirectories(warmUp.resolve("blobs"));
        Files.writeString(warmUp.resolve("tenantd.db"), "a warm-up's database");
        try (TestServer started = new TestServer(other, List.of())) {
            assertThat(started.get(started.api("/user/tokens/verify")).status()).isEqualTo(200);
            assertThat(left).doesNotExist();
            assertThat(warmUp).doesNotExist();
        }
    }

    /** What curl does for larger uploads: the body follows only once the server says 100 Continue. */
    @Test
    void a_client_that_expects_100_continue_is_told_to_continue_only_with_a_valid_token() throws Exception {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .file("a.js", "a.js", "application/javascript+module", MODULE);
        byte[] bytes = body.bytes();
        for (String token : List.of(TestServer.TOKEN, "wrong-token")) {
            try (Socket s = new Socket("127.0.0.1", t.server.apiPort())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("PUT /client/v4/accounts/" + TestServer.ACCOUNT + NS + "/customers/scripts/continued HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nContent-Type: " + body.contentType()
                        + "\r\nContent-Length: " + bytes.length + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = s.getInputStream();
                String first = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                if (token.equals(TestServer.TOKEN)) {
                    assertThat(first).isEqualTo("HTTP/1.1 100");
                    out.write(bytes);
                    out.flush();
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("HTTP/1.1 200");
                } else {
                    assertThat(first).isEqualTo("HTTP/1.1 403");
                }
            }
        }
        assertThat(t.delete(t.accountApi(NS + "/customers/scripts/continued")).status()).isEqualTo(200);
    }

    @Test
    void a_body_declared_far_beyond_the_limit_is_refused_at_once_and_its_connection_closed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", t.server.apiPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /client/v4/accounts/" + TestServer.ACCOUNT + NS + "/customers/scripts/huge HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.TOKEN + "\r\nContent-Type: application/javascript"
                    + "\r\nContent-Length: " + (1L << 40) + "\r\n\r\n// the rest never comes").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 413").contains("\"code\":10027").contains("script size limit");
        }
        assertNotStored("huge");
    }

    // ---- the number of parts

    @Test
    void more_parts_than_the_limit_is_a_400_naming_the_limit() {
        TestServer.Reply r = t.putMultipart(t.accountApi(NS + "/customers/scripts/many"), manyParts(300));
        assertRefused(r, 400, 10014, "256 parts");
        assertNotStored("many");
        // still serving, and an upload within the limit works
        TestServer.Reply fine = t.putMultipart(t.accountApi(NS + "/customers/scripts/many"), manyParts(200));
        assertThat(fine.status()).as(fine.body()).isEqualTo(200);
        assertThat(t.delete(t.accountApi(NS + "/customers/scripts/many")).status()).isEqualTo(200);
    }

    @Test
    void a_client_that_disconnects_half_way_through_an_upload_leaves_nothing_behind() throws Exception {
        TestServer.Multipart body = manyParts(20);
        byte[] bytes = body.bytes();
        try (Socket s = new Socket("127.0.0.1", t.server.apiPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /client/v4/accounts/" + TestServer.ACCOUNT + NS + "/customers/scripts/cut HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.TOKEN + "\r\nContent-Type: "
                    + body.contentType() + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
        }
        assertThat(t.get(t.api("/user/tokens/verify")).status()).isEqualTo(200);
        assertNotStored("cut");
    }

    @Test
    void a_form_field_larger_than_the_decoder_takes_is_a_400_saying_to_send_a_file_part() {
        String metadata = "{\"main_module\":\"a.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"X\",\"text\":\""
                + "x".repeat(10_000) + "\"}]}";
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", metadata)
                .file("a.js", "a.js", "application/javascript+module", MODULE);
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/big-field"), body), 400, 10014, "file part");
        TestServer.Multipart asFile = new TestServer.Multipart()
                .file("metadata", "metadata.json", "application/json", metadata)
                .file("a.js", "a.js", "application/javascript+module", MODULE);
        TestServer.Reply stored = t.putMultipart(t.accountApi(NS + "/customers/scripts/big-field"), asFile);
        assertThat(stored.status()).as(stored.body()).isEqualTo(200);
        assertThat(t.delete(t.accountApi(NS + "/customers/scripts/big-field")).status()).isEqualTo(200);
    }

    // ---- parts must be unambiguous

    @Test
    void a_part_name_given_twice_is_refused() {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .file("a.js", "a.js", "application/javascript+module", MODULE)
                .file("a.js", "a.js", "application/javascript+module", "export default { fetch() { return new Response('evil'); } };");
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/twice"), body), 400, 10014, "'a.js'");
        assertNotStored("twice");
    }

    /** The cloudflare SDK's shape: every module is a part named "files", told apart by its file name. */
    @Test
    void modules_sent_as_parts_of_one_name_with_distinct_file_names_are_fine() {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .file("files", "a.js", "application/javascript+module",
                        "import { b } from './b.js'; export default { fetch() { return new Response(b); } };")
                .file("files", "b.js", "application/javascript+module", "export const b = 'from b';");
        TestServer.Reply r = t.putMultipart(t.accountApi(NS + "/customers/scripts/sdk-shape"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").path("modules").findValuesAsText("name")).containsExactlyInAnyOrder("a.js", "b.js");
        assertThat(t.delete(t.accountApi(NS + "/customers/scripts/sdk-shape")).status()).isEqualTo(200);
    }

    @Test
    void metadata_given_once_as_a_field_and_once_as_a_file_is_refused() {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .file("metadata", "metadata.json", "application/json", "{\"main_module\":\"a.js\",\"compatibility_date\":\"2024-01-01\"}")
                .file("a.js", "a.js", "application/javascript+module", MODULE);
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/twice"), body), 400, 10014, "'metadata'");
        assertNotStored("twice");
    }

    /** Asset contents are keyed by part name (the hash): one name twice is ambiguous whatever the file names. */
    @Test
    void an_asset_hash_given_twice_is_refused() {
        TestServer.Reply session = t.postJson(t.accountApi(NS + "/customers/scripts/assets-twice/assets-upload-session"),
                "{\"manifest\":{\"/a.txt\":{\"hash\":\"0123456789abcdef0123456789abcdef\",\"size\":1}}}");
        String hash = "0123456789abcdef0123456789abcdef";
        TestServer.Multipart files = new TestServer.Multipart().file(hash, "one", "application/octet-stream", "YQ==")
                .file(hash, "two", "application/octet-stream", "Yg==");
        TestServer.Reply r = t.send(put(t.accountApi("/workers/assets/upload?base64=true"), files)
                .method("POST", HttpRequest.BodyPublishers.ofByteArray(files.bytes()))
                .header("Authorization", "Bearer " + session.json().path("result").path("jwt").asText()));
        assertRefused(r, 400, 10014, "'" + hash + "'");
    }

    @Test
    void a_file_name_given_twice_is_refused() {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .file("first", "a.js", "application/javascript+module", MODULE)
                .file("second", "a.js", "application/javascript+module", MODULE);
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/twice"), body), 400, 10014, "'a.js'");
        assertNotStored("twice");
    }

    @Test
    void metadata_given_twice_is_refused() {
        TestServer.Multipart body = new TestServer.Multipart().json("metadata", "{\"main_module\":\"a.js\"}")
                .json("metadata", "{\"main_module\":\"a.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"X\",\"text\":\"y\"}]}")
                .file("a.js", "a.js", "application/javascript+module", MODULE);
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/twice"), body), 400, 10014, "'metadata'");
        assertNotStored("twice");
    }

    // ---- module names stay inside the upload

    @Test
    void module_names_that_leave_the_upload_are_refused_and_never_stored() {
        // ("./x.js" names x.js, as wrangler names the files a bundle imports; "./../x.js" still leaves.)
        for (String name : List.of("../../x.js", "/etc/x.js", "lib\\x.js", "lib/../x.js", "./../x.js", "lib/./x.js",
                "lib//x.js", "x\u0001.js")) {
            TestServer.Multipart body = new TestServer.Multipart()
                    .json("metadata", "{\"main_module\":\"a.js\"}")
                    .file("a.js", "a.js", "application/javascript+module", MODULE)
                    .file("helper", name, "application/javascript+module", "export const x = 1;");
            TestServer.Reply r = t.putMultipart(t.accountApi(NS + "/customers/scripts/names"), body);
            assertRefused(r, 400, 10016, "Module name");
            assertNotStored("names");
        }
    }

    @Test
    void a_module_without_any_name_is_refused() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"a.js\"}")
                .file("a.js", "a.js", "application/javascript+module", MODULE)
                .file("", "", "application/javascript+module", "export const x = 1;");
        assertRefused(t.putMultipart(t.accountApi(NS + "/customers/scripts/names"), body), 400, 10016, "Module name");
        assertNotStored("names");
    }

    @Test
    void modules_in_folders_of_the_upload_are_fine() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"src/main.js\"}")
                .file("src/main.js", "src/main.js", "application/javascript+module",
                        "import { x } from './lib/util.js'; export default { fetch() { return new Response('x=' + x); } };")
                .file("src/lib/util.js", "src/lib/util.js", "application/javascript+module", "export const x = 7;");
        TestServer.Reply r = t.putMultipart(t.accountApi(NS + "/customers/scripts/folders"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("result").path("modules").findValuesAsText("name"))
                .containsExactlyInAnyOrder("src/main.js", "src/lib/util.js");
        assertThat(t.delete(t.accountApi(NS + "/customers/scripts/folders")).status()).isEqualTo(200);
    }

    // ---- a path names one endpoint, never another

    record Raw(int status, String body) {
        TestServer.Reply reply() {
            return new TestServer.Reply(status, body, null);
        }
    }

    /** A request sent byte for byte as written: no client library resolves or re-encodes its path. */
    static Raw raw(String method, String path, String contentType, String body) throws Exception {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", t.server.apiPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.TOKEN
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + content.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            return new Raw(status, response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void dot_segments_and_encoded_separators_in_a_script_name_are_a_400_never_another_endpoint() throws Exception {
        String scripts = "/client/v4/accounts/" + TestServer.ACCOUNT + NS + "/customers/scripts/";
        String evil = "addEventListener('fetch', (e) => e.respondWith(new Response('replaced')));";
        for (String name : List.of("..", ".", "%2e%2e", "%2E.", "../../../../scripts/dispatcher",
                "..%2F..%2F..%2F..%2Fscripts%2Fdispatcher", "a%2Fb", "a%5Cb", "a\\b", "a%00b", "a%0Ab", "")) {
            Raw r = raw("PUT", scripts + name, "application/javascript", evil);
            assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(400);
            assertThat(r.reply().json().path("success").asBoolean()).as(name).isFalse();
            assertThat(r.reply().code()).as(name + ": " + r.body()).isEqualTo(10016);
        }
        assertThat(t.worker("GET", "dispatcher.localhost", "/", null).body()).isEqualTo("the dispatcher");
        assertThat(raw("GET", scripts + "..", "application/json", "").status()).isEqualTo(400);
        assertThat(raw("DELETE", "/client/v4/accounts/" + TestServer.ACCOUNT + NS + "/customers/scripts/?tags=a:yes",
                "application/json", "").status()).isEqualTo(400);
    }
}

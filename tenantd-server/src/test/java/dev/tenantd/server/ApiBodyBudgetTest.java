package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API request bodies (script uploads, KV values, D1 imports) count against the memory the server sets aside
 * for bodies in flight while they are read and answered: uploads that would take more are
 * refused with a 503 saying why, instead of taking the heap, and what a finished or abandoned
 * upload held is given back.
 */
class ApiBodyBudgetTest {
    @TempDir
    Path dir;

    static final long MB = 1024 * 1024;

    /** A worker of about {@code bytes} bytes: a comment, then a module that answers. */
    private static String script(long bytes) {
        return "// " + "x".repeat((int) bytes) + "\nexport default { fetch() { return new Response('ok'); } };";
    }

    private static TestServer.Reply upload(TestServer t, String name, long bytes) {
        return t.putModule(t.accountApi("/workers/scripts/" + name), "{\"main_module\":\"main.js\"}", "main.js",
                script(bytes));
    }

    @Test
    void an_upload_that_does_not_fit_beside_others_is_refused_and_fits_once_they_are_gone() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 4 * MB))) {
            // an upload of 5 MB whose client stops 8 KiB short of the budget: the server holds what it has read
            RawHttp stalled = RawHttp.connect(t.server.apiPort());
            String path = "/client/v4/accounts/" + TestServer.ACCOUNT + "/workers/scripts/stalled";
            stalled.send("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.TOKEN
                    + "\r\nContent-Type: application/javascript\r\nContent-Length: " + 5 * MB + "\r\n\r\n"
                    + "// " + "x".repeat((int) (4 * MB - 8 * 1024 - 3)));


            Await.value(() -> t.bodiesBuffered() >= 4 * MB - 8 * 1024 ? Boolean.TRUE : null, "the stalled upload read");
            TestServer.Reply refused = upload(t, "second", 3 * MB);
            assertThat(upload(t, "medium", 100 * 1024).status()).as("a body past 64 KiB counts").isEqualTo(503);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo(10503);
            assertThat(refused.message()).startsWith("Server busy: a body of ").contains("(4 MB)")
                    .contains("try again later");
            assertThat(t.get(t.accountApi("/workers/scripts/second")).status()).as("nothing was stored").isEqualTo(404);
            // a KV value is refused the same way
            t.postJson(t.accountApi("/storage/kv/namespaces"), "{\"title\":\"held\"}");
            String ns = t.get(t.accountApi("/storage/kv/namespaces")).json().path("result").path(0).path("id").asText();
            TestServer.Reply kv = t.send(HttpRequest.newBuilder(URI.create(t.accountApi("/storage/kv/namespaces/" + ns
                            + "/values/big")))
                    .header("Authorization", "Bearer " + TestServer.TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofString("v".repeat((int) (3 * MB)))));
            assertThat(kv.status()).isEqualTo(503);
            assertThat(kv.code()).isEqualTo(10503);
            // and a D1 import's upload
            String db = t.postJson(t.accountApi("/d1/database"), "{\"name\":\"held\"}").json().path("result")
                    .path("uuid").asText();
            String upload = t.postJson(t.accountApi("/d1/database/" + db + "/import"),
                    "{\"action\":\"init\",\"etag\":\"0123456789abcdef0123456789abcdef\"}").json().path("result")
                    .path("upload_url").asText();
            TestServer.Reply d1 = t.send(HttpRequest.newBuilder(URI.create(upload))
                    .PUT(HttpRequest.BodyPublishers.ofString("-- " + "s".repeat((int) (3 * MB)))));
            assertThat(d1.status()).isEqualTo(503);
            assertThat(d1.code()).isEqualTo(10503);
            // bodies under 64 KiB (a deploy's JSON, a secret) are not counted, and pass
            assertThat(upload(t, "small", 10 * 1024).status()).isEqualTo(200);
            assertThat(t.send(HttpRequest.newBuilder(URI.create(t.accountApi("/workers/scripts/small/secrets")))
                    .header("Authorization", "Bearer " + TestServer.TOKEN).header("content-type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"KEY\",\"text\":\"" + "k".repeat(4000)
                            + "\",\"type\":\"secret_text\"}"))).status()).isEqualTo(200);

            stalled.close();
            // the client is gone: what its upload held is given back
            Await.value(() -> t.bodiesBuffered() == 0 ? Boolean.TRUE : null, "nothing held once the stalled upload is gone");
            // and each finished upload gives back what it held
            for (int i = 0; i < 5; i++) {
                assertThat(upload(t, "again", 3 * MB).status()).isEqualTo(200);
            }
            assertThat(t.bodiesBuffered()).isZero();
            assertThat(t.worker("GET", "again.localhost", "/", null).body()).isEqualTo("ok");
        }
    }

    @Test
    void a_large_kv_answer_counts_until_its_client_takes_it_and_another_does_not_fit_meanwhile() throws Exception {
        try (TestServer t = new TestServer(dir, List.of(), new ServerConfig.Capacity(64, 24 * MB))) {
            t.postJson(t.accountApi("/storage/kv/namespaces"), "{\"title\":\"large\"}");
            String ns = t.get(t.accountApi("/storage/kv/namespaces")).json().path("result").path(0).path("id").asText();
            String value = t.accountApi("/storage/kv/namespaces/" + ns + "/values/twenty");
            assertThat(t.send(HttpRequest.newBuilder(URI.create(value)).header("Authorization", "Bearer " + TestServer.TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) (20 * MB)]))).status()).isEqualTo(200);
            Await.value(() -> t.bodiesBuffered() == 0 ? Boolean.TRUE : null, "the upload's body given back");

            // A client that asks for the 20 MB value and reads nothing: its answer waits in the server.
            try (RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.apiPort(), "127.0.0.1")) {
                stalled.send("GET " + URI.create(value).getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + TestServer.TOKEN + "\r\n\r\n");
                assertThat(stalled.statusLine()).startsWith("HTTP/1.1 200");
                assertThat(t.bodiesBuffered()).as("the answer counts").isEqualTo(20.0 * MB);
                TestServer.Reply second = t.send(t.authed(value).GET());
                assertThat(second.status()).isEqualTo(503);
                assertThat(second.message()).startsWith("Server busy: a body of 20971520 bytes");
            }
            // The stalled client is gone: its answer leaves the budget and the value is served again.
            Await.value(() -> t.bodiesBuffered() == 0 ? Boolean.TRUE : null, "the stalled answer given back");
            TestServer.Reply again = t.send(t.authed(value).GET());
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.body()).hasSize((int) (20 * MB));
        }
    }
}

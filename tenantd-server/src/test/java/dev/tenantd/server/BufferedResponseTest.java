package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies a worker answers with whole reach the client byte for byte, whatever their size
 * against the pieces they are sent in, with their length declared.
 */
class BufferedResponseTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static HttpClient client;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        // Made after the test server, which lets the JDK's client set a Host header.
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        assertThat(t.putModule(t.accountApi("/workers/scripts/bytes"), "{\"main_module\":\"w.js\"}", "w.js", """
                export default { fetch(request) {
                  const n = Number(new URL(request.url).searchParams.get('n'));
                  const body = new Uint8Array(n);
                  for (let i = 0; i < n; i++) body[i] = (i * 7 + (i >> 16)) & 0xff;
                  return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static HttpResponse<byte[]> fetch(String method, int n) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.server.port() + "/?n=" + n))
                .header("Host", "bytes.localhost").method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void bodies_of_any_size_arrive_whole_with_their_length() throws Exception {
        for (int n : new int[] {0, 1, 65_535, 65_536, 65_537, 4 * 65_536, 4 * 65_536 + 1, 5_000_003}) {
            HttpResponse<byte[]> response = fetch("GET", n);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-length")).as("n=" + n).hasValue(Integer.toString(n));
            byte[] body = response.body();
            assertThat(body).as("n=" + n).hasSize(n);
            for (int i = 0; i < n; i++) {
                if (body[i] != (byte) ((i * 7 + (i >> 16)) & 0xff)) {
                    throw new AssertionError("n=" + n + ": byte " + i + " differs");
                }
            }
        }
    }

    @Test
    void a_head_request_gets_the_length_and_no_body() throws Exception {
        HttpResponse<byte[]> response = fetch("HEAD", 200_000);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-length")).hasValue("200000");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void a_head_answer_without_a_body_keeps_the_length_the_worker_names_or_has_none() {
        WorkerResponseCase[] cases = {
            new WorkerResponseCase(200, List.of("content-length", "1234"), new byte[0], "1234"),
            new WorkerResponseCase(200, List.of("content-length", "12x"), new byte[0], null),
            new WorkerResponseCase(200, List.of(), new byte[0], null),
            new WorkerResponseCase(200, List.of("content-length", "1"), new byte[5], "5"),
            new WorkerResponseCase(204, List.of("content-length", "0"), new byte[0], null),
            new WorkerResponseCase(304, List.of("content-length", "99"), new byte[0], null)};
        for (WorkerResponseCase c : cases) {
            java.util.OptionalLong length = WorkerIngress.headLength(
                    new dev.tenantd.runtime.WorkerResponse(c.status(), "", c.headers(), c.body()));
            assertThat(length.isPresent() ? Long.toString(length.getAsLong()) : null).as(c.toString()).isEqualTo(c.expected());
        }
    }

    private record WorkerResponseCase(int status, List<String> headers, byte[] body, String expected) {
    }
}

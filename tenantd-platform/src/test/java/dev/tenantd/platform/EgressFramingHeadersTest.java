package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The framing and connection headers of a subrequest are the host's, in whatever letter case
 * the worker's list names them: a connection to an origin is shared by every tenant's requests,
 * and a worker's own Content-Length or Transfer-Encoding there would frame the next ones.
 */
class EgressFramingHeadersTest {
    @Test
    void a_workers_framing_headers_in_any_case_never_reach_the_origin() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = origin.accept()) {
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.write(b);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return head.toString(StandardCharsets.ISO_8859_1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            EgressPolicy loopback = new EgressPolicy(List.of("127.0.0.1"), List.of());
            WorkerRequest request = new WorkerRequest("POST", "http://127.0.0.1:" + origin.getLocalPort() + "/", List.of(
                    "Content-Length", "999", "Transfer-Encoding", "chunked", "Connection", "keep-alive", "HOST", "evil.example",
                    "x-kept", "yes"), "hello".getBytes(StandardCharsets.UTF_8));
            WorkerResponse response = egress.fetch(request, new EgressPolicies(loopback, EgressPolicy.OPEN, EgressPolicy.OPEN),
                    "test").get(30, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(200);
            String head = seen.get(30, TimeUnit.SECONDS).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).contains("x-kept: yes").contains("content-length: 5").contains("host: 127.0.0.1:")
                    .doesNotContain("999").doesNotContain("chunked").doesNotContain("evil.example");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}

package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a client's request handed on with fetch(request) may carry that a worker's own could not:
 * a body on a GET goes on a connection of its own (an origin that ignores it would answer its
 * bytes as a request of their own, to whoever's request came next on a pooled connection), and
 * the methods the Fetch standard forbids never reach an origin.
 */
class EgressRequestHygieneTest {
    @Test
    void a_get_with_a_body_never_shares_its_connection_with_the_next_request() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            // An origin that ignores bodies on GET: the body's bytes read as the next request, which
            // it answers once another request has come on the connection, as a slow origin might.
            RawRequests.serve(origin, (in, out) -> {
                for (String head = RawRequests.head(in); !head.isEmpty(); head = RawRequests.head(in)) {
                    if (head.contains("/smuggled")) {
                        String next = RawRequests.head(in);
                        if (next.isEmpty()) {
                            return;
                        }
                        out.write(RawRequests.answerNaming(head));
                        out.write(RawRequests.answerNaming(next));
                    } else {
                        out.write(RawRequests.answerNaming(head));
                    }
                    out.flush();
                }
            });
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            String base = "http://127.0.0.1:" + origin.getLocalPort();
            byte[] smuggled = "GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            WorkerResponse first = egress.fetch(new WorkerRequest("GET", base + "/first", List.of(), smuggled), RawRequests.LOOPBACK,
                    "tenant-a").get(30, TimeUnit.SECONDS);
            assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("for /first");
            WorkerResponse next = egress.fetch(new WorkerRequest("GET", base + "/b", List.of(), null), RawRequests.LOOPBACK,
                    "tenant-b").get(30, TimeUnit.SECONDS);
            assertThat(new String(next.body(), StandardCharsets.US_ASCII)).isEqualTo("for /b");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_methods_the_fetch_standard_forbids_never_reach_an_origin() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            for (String method : List.of("TRACE", "track", "CONNECT")) {
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> egress.fetch(new WorkerRequest(method, "http://127.0.0.1:9/", List.of(), null), RawRequests.LOOPBACK,
                                "tenant").get(30, TimeUnit.SECONDS));
                assertThat(e.getCause()).isInstanceOf(InvocationException.class)
                        .hasMessage("'" + method + "' HTTP method is unsupported.");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}

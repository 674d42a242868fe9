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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An origin's interim answer (102 Processing, say) before its final one: the HTTP client takes
 * it for the whole answer, and the final one left on the connection would answer the next
 * request sent there, which may be another tenant's. The fetch fails and the connection goes.
 * Early hints (103), which the client takes apart from the final answer, do not.
 */
class EgressInterimStatusTest {
    @Test
    void an_interim_answer_fails_the_fetch_and_the_final_one_answers_no_other_request() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            // The first request gets a 102, and its final answer waits for the next request on its
            // connection, as a slow origin's might; any other request gets its answer at once.
            java.util.concurrent.atomic.AtomicBoolean interimSent = new java.util.concurrent.atomic.AtomicBoolean();
            RawRequests.serve(origin, (in, out) -> {
                String head = RawRequests.head(in);
                if (!head.isEmpty() && !interimSent.getAndSet(true)) {
                    out.write("HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String next = RawRequests.head(in);
                    if (!next.isEmpty()) {
                        // the first request's final answer, where the next one's belongs
                        out.write(RawRequests.answerNaming(head));
                    }
                    head = next;
                }
                for (; !head.isEmpty(); head = RawRequests.head(in)) {
                    out.write(RawRequests.answerNaming(head));
                    out.flush();
                }
            });
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            EgressPolicies loopback = RawRequests.LOOPBACK;
            String base = "http://127.0.0.1:" + origin.getLocalPort();
            CompletableFuture<WorkerResponse> slow = egress.fetch(new WorkerRequest("GET", base + "/slow", List.of(), null),
                    loopback, "tenant-a");
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> slow.get(30, TimeUnit.SECONDS));
            assertThat(failed.getCause()).isInstanceOf(InvocationException.class)
                    .hasMessageContaining("102");
            // Another tenant's request to the same origin gets its own answer.
            WorkerResponse next = egress.fetch(new WorkerRequest("GET", base + "/other", List.of(), null), loopback,
                    "tenant-b").get(30, TimeUnit.SECONDS);
            assertThat(next.status()).isEqualTo(200);
            assertThat(new String(next.body(), StandardCharsets.US_ASCII)).isEqualTo("for /other");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_head_request_given_early_hints_gets_its_final_answer_without_a_body_and_its_connection_serves_on() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
            // A HEAD gets a 103 and then its final answer, which names the length a GET's body would have.
            RawRequests.serve(origin, (in, out) -> {
                connections.incrementAndGet();
                for (String head = RawRequests.head(in); !head.isEmpty(); head = RawRequests.head(in)) {
                    out.write((head.startsWith("HEAD ")
                            ? "HTTP/1.1 103 Early Hints\r\nlink: </site.css>; rel=preload\r\n\r\n"
                                    + "HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n"
                            : new String(RawRequests.answerNaming(head), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            });
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            String base = "http://127.0.0.1:" + origin.getLocalPort();
            WorkerResponse head = egress.fetch(new WorkerRequest("HEAD", base + "/page", List.of(), null),
                    RawRequests.LOOPBACK, "tenant").get(30, TimeUnit.SECONDS);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).contains("12");
            assertThat(head.body()).isEmpty();
            WorkerResponse next = egress.fetch(new WorkerRequest("GET", base + "/next", List.of(), null),
                    RawRequests.LOOPBACK, "tenant").get(30, TimeUnit.SECONDS);
            assertThat(new String(next.body(), StandardCharsets.US_ASCII)).isEqualTo("for /next");
            assertThat(connections).hasValue(1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}

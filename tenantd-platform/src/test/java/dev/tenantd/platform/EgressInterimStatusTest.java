package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.InvocationException;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An origin's interim answer (102 Processing, say) before its final one: the HTTP client takes
 * it for the whole answer, and the final one left on the connection would answer the next
 * request sent there, which may be another tenant's. The fetch fails and the connection goes.
 */
class EgressInterimStatusTest {
    /** Reads one request head from {@code in}; empty when the connection closed first. */
    private static String head(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String path(String head) {
        int from = head.indexOf(' ') + 1;
        return head.substring(from, head.indexOf(' ', from));
    }

    private static String answer(String path) {
        String text = "for " + path;
        return "HTTP/1.1 200 OK\r\ncontent-length: " + text.length() + "\r\n\r\n" + text;
    }

    @Test
    void an_interim_answer_fails_the_fetch_and_the_final_one_answers_no_other_request() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            // The first request gets a 102, and its final answer waits for the next request on its
            // connection, as a slow origin's might; any other request gets its answer at once.
            java.util.concurrent.atomic.AtomicBoolean interimSent = new java.util.concurrent.atomic.AtomicBoolean();
            Thread server = Thread.ofVirtual().start(() -> {
                while (!origin.isClosed()) {
                    try {
                        Socket s = origin.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream();
                                String head = head(in);
                                if (!head.isEmpty() && !interimSent.getAndSet(true)) {
                                    out.write("HTTP/1.1 102 Processing\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                    out.flush();
                                    String next = head(in);
                                    if (!next.isEmpty()) {
                                        // the first request's final answer, where the next one's belongs
                                        out.write(answer(path(head)).getBytes(StandardCharsets.US_ASCII));
                                    }
                                    head = next;
                                }
                                for (; !head.isEmpty(); head = head(in)) {
                                    out.write(answer(path(head)).getBytes(StandardCharsets.US_ASCII));
                                    out.flush();
                                }
                            } catch (java.io.IOException e) {
                                // the client went
                            }
                        });
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            Egress egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
            EgressPolicies loopback = new EgressPolicies(new EgressPolicy(List.of("127.0.0.1"), List.of()),
                    EgressPolicy.OPEN, EgressPolicy.OPEN);
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
            server.interrupt();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}

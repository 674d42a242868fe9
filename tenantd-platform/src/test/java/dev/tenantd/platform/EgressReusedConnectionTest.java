package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.InvocationException;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An origin may close a kept-open connection just as the next request goes out on it (its idle
 * timeout, a restart). Such a request never reached the origin's application, as far as the
 * client can tell: an idempotent one with its body still in hand is sent again on another
 * connection, as browsers do; any other fails, and a request on a new connection is never sent twice.
 */
class EgressReusedConnectionTest {
    private Vertx vertx;
    private ServerSocket origin;
    private Egress egress;
    /** The request lines the origin read, in order, each with the number of its connection. */
    private final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        origin = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        egress = new Egress(vertx, () -> null, new BodyBudget(64L << 20), 64L << 20);
    }

    @AfterEach
    void stop() throws Exception {
        egress.close();
        origin.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Answers the first request of each connection and closes, unanswered, at its second. */
    private void closingAtTheSecondRequest() {
        AtomicInteger connections = new AtomicInteger();
        RawRequests.serve(origin, (in, out) -> {
            int connection = connections.incrementAndGet();
            for (int n = 1; ; n++) {
                String head = RawRequests.head(in);
                if (head.isEmpty()) {
                    return;
                }
                seen.add(connection + " " + head.substring(0, head.indexOf('\r')));
                skipBody(in, head);
                if (n == 2) {
                    return;
                }
                out.write(RawRequests.answerNaming(head));
                out.flush();
            }
        });
    }

    private static void skipBody(java.io.InputStream in, String head) throws java.io.IOException {
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }

    private WorkerResponse fetch(String method, String path, byte[] body) throws Exception {
        return egress.fetch(new WorkerRequest(method, "http://127.0.0.1:" + origin.getLocalPort() + path, List.of(), body),
                RawRequests.LOOPBACK, "tenant").get(30, TimeUnit.SECONDS);
    }

    @Test
    void an_idempotent_request_on_a_connection_closed_as_it_was_reused_goes_again_on_another() throws Exception {
        closingAtTheSecondRequest();
        assertThat(new String(fetch("GET", "/one", null).body(), StandardCharsets.US_ASCII)).isEqualTo("for /one");
        assertThat(new String(fetch("GET", "/two", null).body(), StandardCharsets.US_ASCII)).isEqualTo("for /two");
        assertThat(new String(fetch("PUT", "/three", "put".getBytes(StandardCharsets.US_ASCII)).body(),
                StandardCharsets.US_ASCII)).isEqualTo("for /three");
        assertThat(seen).containsExactly("1 GET /one HTTP/1.1", "1 GET /two HTTP/1.1", "2 GET /two HTTP/1.1",
                "2 PUT /three HTTP/1.1", "3 PUT /three HTTP/1.1");
    }

    @Test
    void a_post_is_never_sent_twice() throws Exception {
        closingAtTheSecondRequest();
        fetch("POST", "/one", "a".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> fetch("POST", "/two", "b".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvocationException.class)
                .hasMessageContaining("Network connection lost");
        assertThat(seen).containsExactly("1 POST /one HTTP/1.1", "1 POST /two HTTP/1.1");
    }

    @Test
    void a_request_on_a_new_connection_that_closes_unanswered_is_not_sent_again() throws Exception {
        RawRequests.serve(origin, (in, out) -> {
            String head = RawRequests.head(in);
            if (!head.isEmpty()) {
                seen.add(head.substring(0, head.indexOf('\r')));
            }
        });
        assertThatThrownBy(() -> fetch("GET", "/once", null))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageContaining("Network connection lost");
        assertThat(seen).containsExactly("GET /once HTTP/1.1");
    }
}

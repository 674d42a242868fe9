package dev.tenantd.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.runtime.BodyBudget;
import dev.tenantd.runtime.WorkerRequest;
import dev.tenantd.runtime.WorkerResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One worker's streamed answers that it never reads hold their connections to an origin, but
 * never all of them: another worker's fetch to the same origin is answered, and the first
 * worker's further fetches wait for connections of its own.
 */
class EgressConnectionSharesTest {
    private static final EgressPolicies LOOPBACK = new EgressPolicies(
            new EgressPolicy(List.of("127.0.0.1"), List.of()), EgressPolicy.OPEN, EgressPolicy.OPEN);
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static void eventually(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void a_worker_holding_unread_answers_leaves_connections_to_the_same_origin_for_others() throws Exception {
        // /stream answers with a first chunk and never ends; anything else answers whole.
        HttpServer origin = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/stream")) {
                request.response().setChunked(true).write("first chunk");
            } else {
                request.response().end("small");
            }
        }).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + origin.actualPort();
        Egress egress = new Egress(vertx, () -> null, new BodyBudget(256L << 20), 64L << 20);
        OutboundConnections connections = egress.connections();
        int share = OutboundConnections.PER_REQUESTER;
        int beyond = 20;

        List<CompletableFuture<WorkerResponse>> hogs = new ArrayList<>();
        for (int i = 0; i < share + beyond; i++) {
            hogs.add(egress.fetch(new WorkerRequest("GET", base + "/stream", List.of(), null), LOOPBACK, "hog"));
        }
        eventually(() -> hogs.stream().filter(CompletableFuture::isDone).count() == share,
                "the hog's first " + share + " fetches answered");
        assertThat(connections.held("hog")).isEqualTo(share);
        eventually(() -> connections.waiting("hog") == beyond, "the hog's further fetches waiting");

        // The same origin, another worker: answered although the hog keeps its answers unread.
        WorkerResponse other = egress.fetch(new WorkerRequest("GET", base + "/small", List.of(), null), LOOPBACK, "other")
                .get(30, TimeUnit.SECONDS);
        assertThat(other.status()).isEqualTo(200);
        assertThat(new String(other.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("small");
        eventually(() -> connections.held("other") == 0, "the other worker's connection let go once its answer ended");

        // The hog lets go of answers it holds: its waiting fetches go out on connections of its own.
        for (CompletableFuture<WorkerResponse> answered : hogs.stream().filter(CompletableFuture::isDone).limit(beyond).toList()) {
            answered.join().discardBody();
        }
        eventually(() -> hogs.stream().allMatch(CompletableFuture::isDone), "the waiting fetches answered");
        assertThat(connections.waiting("hog")).isZero();

        // A fetch cancelled while it waits gives up its place.
        CompletableFuture<WorkerResponse> cancelled = egress.fetch(
                new WorkerRequest("GET", base + "/stream", List.of(), null), LOOPBACK, "hog");
        eventually(() -> connections.waiting("hog") == 1, "a further fetch waits");
        cancelled.cancel(false);

        for (CompletableFuture<WorkerResponse> answered : hogs) {
            answered.join().discardBody();
        }
        eventually(() -> connections.held() == 0, "every connection let go once its answer was dropped");
        assertThat(connections.waiting("hog")).isZero();
    }

    @Test
    void a_request_body_cut_off_by_an_origin_that_answered_early_lets_go_of_its_connection() throws Exception {
        // The origin answers before it reads the body, stops reading, then closes the connection:
        // the sender's queue is full when the connection goes.
        HttpServer origin = vertx.createHttpServer().requestHandler(request -> {
            request.pause();
            request.response().setStatusCode(413).end("too large");
            vertx.setTimer(300, t -> request.connection().close());
        }).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        Egress egress = new Egress(vertx, () -> null, new BodyBudget(256L << 20), 64L << 20);
        OutboundConnections connections = egress.connections();
        CompletableFuture<WorkerResponse> answer = egress.fetch(new WorkerRequest("POST", "http://127.0.0.1:"
                + origin.actualPort() + "/", List.of(), new byte[32 << 20]), LOOPBACK, "uploader");
        try {
            assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(413);
        } catch (java.util.concurrent.ExecutionException resetFirst) {
            // On a slow machine the close's reset can come before the answer is read: the slot matters here.
            assertThat(resetFirst.getCause()).hasMessageContaining("Network connection lost");
        }
        eventually(() -> connections.held() == 0, "the connection let go once the request broke off");
    }

    @Test
    void an_answer_refused_for_want_of_memory_lets_go_of_its_connection() throws Exception {
        // The origin declares 64 KiB (the most read whole, the least counted) and sends half: the answer cannot be held while the
        // memory for bodies is taken, and the connection it came on is closed, not left to carry
        // on uncounted after its slot was given back.
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        HttpServer origin = vertx.createHttpServer().requestHandler(request -> {
            request.connection().closeHandler(v -> closed.countDown());
            request.response().putHeader("content-length", "65536").write(io.vertx.core.buffer.Buffer.buffer(new byte[32768]));
        }).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        BodyBudget bodies = new BodyBudget(1L << 20);
        assertThat(bodies.reserve(1L << 20)).isTrue();
        Egress egress = new Egress(vertx, () -> null, bodies, 64L << 20);
        CompletableFuture<WorkerResponse> answer = egress.fetch(new WorkerRequest("GET", "http://127.0.0.1:"
                + origin.actualPort() + "/", List.of(), null), LOOPBACK, "reader");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(dev.tenantd.runtime.InvocationException.class);
        assertThat(closed.await(30, TimeUnit.SECONDS)).as("the origin's connection closed").isTrue();
        eventually(() -> egress.connections().held() == 0, "the slot given back");
    }
}

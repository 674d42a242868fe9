package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Limits;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version that stops serving (replaced, or its script deleted) keeps its open WebSockets for
 * its grace period (the wall-time limit), not for as long as their clients like: its isolate,
 * out of the pool and never idle while a socket is open, ran the old code, with the old
 * secrets and bindings, until the client went.
 */
class RetiredVersionWebSocketTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static Vertx vertx;

    /** Echoes each message with the version's word; the socket stays open until the client closes it. */
    private static final String WORDS = """
            export default { fetch(request, env) {
              const [mine, theirs] = Object.values(new WebSocketPair());
              mine.accept();
              mine.addEventListener('message', (event) => mine.send(env.WORD + ': ' + event.data));
              return new Response(null, { status: 101, webSocket: theirs });
            } };""";

    @BeforeAll
    static void start() {
        Limits d = Limits.defaults();
        // A grace period of 2 s: the wall-time limit.
        t = new TestServer(dir, List.of(), new Limits(d.cpuMs(), d.memoryMb(), d.subrequests(), d.scriptSizeBytes(),
                d.startupMs(), d.logBytes(), 2_000, d.liveIsolates(), d.concurrentInvocations()));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        t.close();
    }

    private static void upload(String script, String word) {
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/" + script),
                "{\"main_module\":\"w.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"WORD\",\"text\":\"" + word + "\"}]}",
                "w.js", WORDS);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    @Test
    void a_replaced_version_s_socket_is_closed_with_1001_once_its_grace_period_is_over() {
        upload("replaced", "first");
        try (WsClient old = WsClient.connect(vertx, t.server.port(), "replaced.localhost", "/")) {
            old.send("a");
            assertThat(old.next()).isEqualTo("first: a");
            upload("replaced", "second");
            try (WsClient fresh = WsClient.connect(vertx, t.server.port(), "replaced.localhost", "/")) {
                fresh.send("b");
                assertThat(fresh.next()).isEqualTo("second: b");
                assertThat(old.awaitClose().code()).isEqualTo(1001);
                fresh.send("c");
                assertThat(fresh.next()).as("the serving version's socket stays").isEqualTo("second: c");
            }
        }
    }

    @Test
    void a_deleted_script_s_socket_is_closed_with_1001_once_its_grace_period_is_over() {
        upload("deleted", "only");
        try (WsClient old = WsClient.connect(vertx, t.server.port(), "deleted.localhost", "/")) {
            old.send("a");
            assertThat(old.next()).isEqualTo("only: a");
            assertThat(t.delete(t.accountApi("/workers/scripts/deleted")).status()).isEqualTo(200);
            assertThat(old.awaitClose().code()).isEqualTo(1001);
        }
    }
}

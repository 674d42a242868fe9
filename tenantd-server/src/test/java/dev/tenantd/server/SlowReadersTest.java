package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that take a large response slowly, or stop taking it: a download that makes
 * progress goes on past the idle timeout, one that stalls is closed. One connection is
 * allowed per address, which lets a test see from outside when the server let one go.
 */
class SlowReadersTest {
    /** Far more than the socket buffers of both ends hold, so most of it waits in the server while the client reads. */
    static final int BIG = 24 * 1024 * 1024;

    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.big.test/*=big")), new ListenerLimits(2000, 2000, 2000, 1024, 100, 1));
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/big"), "{\"main_module\":\"b.js\"}", "b.js",
                "export default { fetch(r) { return new URL(r.url).pathname === '/small' ? new Response('small')"
                        + " : new Response('x'.repeat(" + BIG + ")) } };");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /**
     * Read at most 32 KB per 5 ms: the whole download takes longer than the 2 s idle timeout,
     * while the kernel's socket buffers (a few MB) drain in well under a second each time.
     */
    @Test
    void a_slow_but_steady_download_outlasts_the_idle_timeout() throws IOException, InterruptedException {
        try (RawHttp c = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.8")) {
            c.get("a.big.test", "/");
            RawHttp.Download d = c.download(32 * 1024, 5);
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.received()).isEqualTo(BIG);
        }
    }

    /**
     * The next connection from a stalled client's address is served only after the server
     * closed the stalled one, whose response then ends early.
     */
    @Test
    void a_client_that_stops_reading_its_response_is_closed() throws IOException, InterruptedException {
        try (RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.7")) {
            stalled.get("a.big.test", "/");
            assertServedOnceClosed("127.0.0.7");
            RawHttp.Download d = stalled.download(1024 * 1024, 0);
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.received()).isLessThan(BIG);
        }
    }

    /**
     * A stalled client's connection is reset, not closed: the kernel drops what the server had
     * queued for it rather than keep megabytes for minutes, waiting for a reader that is gone.
     * The client, reading at last, gets what had reached it and then the reset, not an orderly end.
     */
    @Test
    void a_client_that_stops_reading_is_reset_so_nothing_queued_for_it_is_kept() throws IOException, InterruptedException {
        try (RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.10")) {
            stalled.get("a.big.test", "/");
            assertServedOnceClosed("127.0.0.10");
            RawHttp.Ending ending = stalled.untilClosed();
            assertThat(ending.reset()).as("the connection ended with a reset").isTrue();
            assertThat(ending.received().length()).isLessThan(BIG);
        }
    }

    /**
     * A client that stops reading a response, with the headers of a next request sent behind it
     * and its body held back: the server stops reading the next request while it answers the
     * first, which is no reason to wait for the client to take its response for ever.
     */
    @Test
    void a_client_that_stops_reading_with_a_pipelined_request_behind_is_closed_too() throws IOException, InterruptedException {
        try (RawHttp stalled = RawHttp.connectWithSmallReceiveBuffer(t.server.port(), "127.0.0.9")) {
            stalled.send("GET / HTTP/1.1\r\nHost: a.big.test\r\n\r\n"
                    + "POST /small HTTP/1.1\r\nHost: a.big.test\r\nContent-Length: 10\r\n\r\n");
            assertServedOnceClosed("127.0.0.9");
        }
    }

    /** Another connection from {@code address} is served: only once the server closed the stalled one (one per address). */
    private static void assertServedOnceClosed(String address) throws InterruptedException {
        int status = 0;
        for (int attempt = 0; attempt < 600 && status != 200; attempt++) {
            try (RawHttp probe = RawHttp.connect(t.server.port(), address)) {
                status = probe.get("a.big.test", "/small").response().status();
            } catch (IOException refused) {
                status = 0;
            }
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        assertThat(status).as("another connection from the stalled client's address is served").isEqualTo(200);
    }
}

package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More connections than one client address, or everyone together, may hold on a listener:
 * the one over the cap is answered and closed at once while others are served. Each test
 * has a server of its own, so no connection of another test counts against its caps.
 */
class ConnectionCapsTest {
    @TempDir
    Path dir;
    TestServer t;
    final List<RawHttp> held = new ArrayList<>();

    @BeforeEach
    void start() {
        ListenerLimits d = ListenerLimits.defaults();
        t = new TestServer(dir, List.of(), new ListenerLimits(d.idleTimeoutMs(), d.headerTimeoutMs(), d.bodyTimeoutMs(),
                d.bodyMinBytesPerSecond(), 3, 2));
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttp c : held) {
            c.close();
        }
        t.close();
    }

    /** A connection from {@code address} that the server has answered on, so it counts against the caps. */
    RawHttp served(int port, String address) throws IOException {
        RawHttp c = RawHttp.connect(port, address);
        held.add(c);
        assertThat(c.get("nobody.localhost", "/").response().status()).isEqualTo(404);
        return c;
    }

    @Test
    void over_the_per_address_cap_is_refused_while_other_addresses_are_served_then_a_freed_slot_serves()
            throws IOException, InterruptedException {
        int port = t.server.port();
        RawHttp first = served(port, "127.0.0.1");
        served(port, "127.0.0.1");
        try (RawHttp third = RawHttp.connect(port, "127.0.0.1")) {
            assertThat(third.untilClosed().received()).startsWith("HTTP/1.1 429")
                    .contains("connections from your address");
        }
        served(port, "127.0.0.2");

        first.close();
        int status = 0;
        for (int attempt = 0; attempt < 600 && status != 404; attempt++) {
            // the server may not have seen the close yet: then this one is refused too
            try (RawHttp again = RawHttp.connect(port, "127.0.0.1")) {
                status = again.get("nobody.localhost", "/").response().status();
            } catch (IOException refused) {
                status = 0;
            }
            if (status != 404) {
                Thread.sleep(50);
            }
        }
        assertThat(status).as("a connection from 127.0.0.1 is served once one of its two has closed").isEqualTo(404);
    }

    @Test
    void over_the_listener_cap_is_refused_for_everyone_while_the_api_listener_still_serves() throws IOException {
        int port = t.server.port();
        served(port, "127.0.0.3");
        served(port, "127.0.0.3");
        served(port, "127.0.0.4");
        try (RawHttp over = RawHttp.connect(port, "127.0.0.5")) {
            assertThat(over.untilClosed().received()).startsWith("HTTP/1.1 503").contains("connections");
        }
        try (RawHttp api = RawHttp.connect(t.server.apiPort(), "127.0.0.5")) {
            assertThat(api.get("127.0.0.1", "/healthz").response().status()).isEqualTo(200);
        }
    }
}

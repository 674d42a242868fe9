package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.EgressPolicy;
import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that calls this server's own host name through the network is a worker calling a
 * worker: its requests carry their depth and meet the depth limit (508 past it), and a
 * WebSocket it opens to itself is a worker's, whose messages start no fresh budget.
 */
class NetworkLoopTest {
    @TempDir
    static Path dir;
    static TestServer t;

    /** Fetches itself on localhost (PORT: the worker listener's) until something other than its own answer comes back. */
    static final String LOOPER = SocketScripts.TALKING + """
            export default { async fetch(request, env) {
              const url = new URL(request.url);
              const n = Number(url.searchParams.get('n') || 0);
              if (url.pathname === '/echo') return echoEnd();
              if (url.pathname === '/talk') {
                // Opens a WebSocket to its own host name and answers every message: nobody else sends anything.
                const r = await fetch('http://localhost:PORT/echo', { headers: { Upgrade: 'websocket' } });
                return new Response(await talkBack(r.webSocket));
              }
              const r = await fetch('http://localhost:PORT/?n=' + (n + 1));
              if (r.status === 508) return new Response('stopped at ' + n + ': ' + await r.text());
              return r;
            } };""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("localhost/*=looper")), Limits.defaults(),
                new EgressPolicy(List.of("localhost"), List.of()));
        t.deploy("/workers/scripts/looper", "{\"main_module\":\"l.js\",\"limits\":{\"cpu_ms\":50}}", "l.js",
                LOOPER.replace("PORT", Integer.toString(t.server.port())));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void a_worker_fetching_its_own_host_name_meets_the_depth_limit() {
        TestServer.Reply r = t.worker("GET", "localhost", "/", null);
        assertThat(r.body()).isEqualTo("stopped at 16: Loop detected: this request came through more than 16 workers "
                + "calling workers, some of them through the network. A worker that fetches its own host name must stop "
                + "at a smaller depth.\n");
    }

    @Test
    void a_websocket_a_worker_opens_to_itself_spends_its_budget_and_ends() {
        // Its far end runs on what is left of its 50 ms; once they are spent it closes with 1011.
        TestServer.Reply r = t.worker("GET", "localhost", "/talk", null);
        assertThat(r.body()).isEqualTo("closed with 1011");
    }
}

package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Limits;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits seen from outside: the client's 503, the dispatcher's catchable error, and narrowing. */
class LimitsEndToEndTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static final String NS = "/workers/dispatch/namespaces/lim/scripts/";

    /** Dispatcher: ?cpu= and ?sub= become per-call limits; errors are caught and shown. */
    static final String DISPATCHER = """
            export default { async fetch(request, env) {
              const url = new URL(request.url);
              const name = url.hostname.split('.')[0];
              const limits = {};
              if (url.searchParams.has('cpu')) limits.cpuMs = Number(url.searchParams.get('cpu'));
              if (url.searchParams.has('sub')) limits.subRequests = Number(url.searchParams.get('sub'));
              try {
                return await env.NS.get(name, {}, { limits }).fetch(request);
              } catch (e) {
                return new Response('caught: ' + e.message, { status: 599 });
              }
            } };""";

    /** Counts how many of 10 subrequests get through. */
    static final String FETCHER = """
            export default { async fetch() {
              let ok = 0;
              for (let i = 0; i < 10; i++) {
                try { await fetch('https://api.cloudflare.com/client/v4/user/tokens/verify'); ok++; } catch (e) { if (e.message !== 'Too many subrequests.') throw e; }
              }
              return new Response(String(ok));
            } };""";

    /**
     * A user worker with a dispatch binding of its own, to its own namespace: {@code /via?to=X&path=P}
     * asks {@code X} for {@code P} through it, with no limits of its own, and says how that went.
     */
    static final String CHAIN = SocketScripts.TALKING + """
            export default { async fetch(request, env) {
              const url = new URL(request.url);
              if (url.pathname === '/spin') { for (;;) {} }
              if (url.pathname === '/echo-pair') return echoEnd();
              if (url.pathname === '/ping-pong') {
                // Itself through its binding, answering every message of that echo: no client sends anything.
                const r = await env.OWN.get('chain').fetch('https://inner.lim.test/echo-pair', { headers: { Upgrade: 'websocket' } });
                return new Response(await talkBack(r.webSocket));
              }
              if (url.pathname === '/via') {
                try {
                  const r = await env.OWN.get(url.searchParams.get('to')).fetch('https://inner.lim.test' + (url.searchParams.get('path') || '/'));
                  return new Response('inner ' + await r.text());
                } catch (e) {
                  return new Response('inner failed: ' + e.message);
                }
              }
              return new Response('chain');
            } };""";

    @BeforeAll
    static void start() {
        Limits platform = new Limits(30_000, 128, 5, 10L * 1024 * 1024, 1_000, 128 * 1024, 300_000, 100, 1_000);
        t = new TestServer(dir, List.of(Route.parse("*.lim.test/*=front")), platform);
        t.createNamespace("lim");
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"lim\"}]}",
                "f.js", DISPATCHER).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(NS + "spin"), "{\"main_module\":\"s.js\",\"limits\":{\"cpu_ms\":50}}", "s.js", """
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/spin') { for (;;) {} }
                  return new Response('not spinning');
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(NS + "plainfetch"), "{\"main_module\":\"p.js\"}", "p.js", FETCHER).status())
                .isEqualTo(200);
        assertThat(t.putModule(t.accountApi(NS + "scriptfetch"), "{\"main_module\":\"p.js\",\"limits\":{\"subrequests\":3}}",
                "p.js", FETCHER).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi(NS + "chain"), "{\"main_module\":\"c.js\",\"bindings\":[{\"type\":"
                + "\"dispatch_namespace\",\"name\":\"OWN\",\"namespace\":\"lim\"}]}", "c.js", CHAIN).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/direct-spin"), "{\"main_module\":\"d.js\",\"limits\":{\"cpu_ms\":50}}",
                "d.js", "export default { fetch() { for (;;) {} } };").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void client_gets_503_naming_the_cpu_limit() {
        TestServer.Reply r = t.worker("GET", "direct-spin.localhost", "/", null);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).contains("Worker exceeded CPU time limit");
    }

    @Test
    void dispatcher_catches_the_limit_error_and_the_next_request_is_served() {
        TestServer.Reply r = t.worker("GET", "spin.lim.test", "/spin", null);
        assertThat(r.status()).isEqualTo(599);
        assertThat(r.body()).isEqualTo("caught: Worker exceeded CPU time limit.");
        assertThat(t.worker("GET", "spin.lim.test", "/", null).body()).isEqualTo("not spinning");
    }

    @Test
    void per_call_cpu_limit_narrows() {
        TestServer.Reply r = t.worker("GET", "spin.lim.test", "/spin?cpu=20", null);
        assertThat(r.body()).isEqualTo("caught: Worker exceeded CPU time limit.");
    }

    @Test
    void platform_script_and_call_limits_combine_to_the_narrowest() {
        assertThat(t.worker("GET", "plainfetch.lim.test", "/", null).body()).as("platform 5").isEqualTo("5");
        assertThat(t.worker("GET", "scriptfetch.lim.test", "/", null).body()).as("script 3 < platform 5").isEqualTo("3");
        assertThat(t.worker("GET", "scriptfetch.lim.test", "/?sub=2", null).body()).as("call 2 < script 3").isEqualTo("2");
        assertThat(t.worker("GET", "scriptfetch.lim.test", "/?sub=9", null).body()).as("call 9 never widens script 3").isEqualTo("3");
        assertThat(t.worker("GET", "plainfetch.lim.test", "/?sub=8", null).body()).as("call 8 never widens platform 5").isEqualTo("5");
    }

    @Test
    void a_user_worker_calling_through_its_own_binding_shares_its_cpu_limit_with_the_worker_it_calls() {
        // 50 ms for the user worker; itself, called through its binding, spins on what is left of
        // them (the platform would give it 30 s), and once they are spent the caller is out of time too.
        TestServer.Reply r = t.worker("GET", "chain.lim.test", "/via?cpu=50&to=chain&path=/spin", null);
        assertThat(r.body()).isEqualTo("caught: Worker exceeded CPU time limit.");
        assertThat(t.worker("GET", "chain.lim.test", "/", null).body()).isEqualTo("chain");
    }

    @Test
    void a_user_worker_calling_through_its_own_binding_shares_its_subrequests_with_the_worker_it_calls() {
        // Two for the user worker: the call is one, so the worker it calls has one left, not the
        // platform's five.
        assertThat(t.worker("GET", "chain.lim.test", "/via?sub=2&to=plainfetch", null).body()).isEqualTo("inner 1");
        // The dispatch worker is the platform's: its user workers do not spend its subrequests.
        assertThat(t.worker("GET", "chain.lim.test", "/via?to=plainfetch", null).body()).isEqualTo("inner 4");
    }

    @Test
    void websocket_messages_between_a_user_worker_and_its_callee_spend_the_user_workers_budget() {
        // Only messages from the network start on a fresh budget: this exchange, with no client,
        // runs on the user worker's 50 ms and stops there.
        TestServer.Reply r = t.worker("GET", "chain.lim.test", "/ping-pong?cpu=50", null);
        assertThat(r.body()).isEqualTo("caught: Worker exceeded CPU time limit.");
    }

    @Test
    void invalid_script_limits_are_refused() {
        TestServer.Reply r = t.putModule(t.accountApi(NS + "bad"), "{\"main_module\":\"p.js\",\"limits\":{\"cpu_ms\":-1}}",
                "p.js", FETCHER);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("cpu_ms");
    }

    /** Counts the subrequests that get past the limit; each goes to a refused address, so none connects. */
    static final String MANY_FETCHES = """
            export default { async fetch() {
              let admitted = 0;
              for (let i = 0; i < 1010; i++) {
                try { await fetch('http://127.0.0.1:1/'); admitted++; }
                catch (e) { if (e.message === 'Too many subrequests.') break; admitted++; }
              }
              return new Response(String(admitted));
            } };""";

    @Test
    void an_operator_limit_above_the_cloudflare_default_holds_for_dispatched_workers() {
        Limits wide = new Limits(60_000, 128, 1_003, 10L * 1024 * 1024, 1_000, 128 * 1024, 300_000, 100, 1_000);
        try (TestServer w = new TestServer(dir.resolve("wide"), List.of(Route.parse("*.lim.test/*=front")), wide)) {
            w.createNamespace("lim");
            assertThat(w.putModule(w.accountApi("/workers/scripts/front"),
                    "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"lim\"}]}",
                    "f.js", DISPATCHER).status()).isEqualTo(200);
            assertThat(w.putModule(w.accountApi(NS + "many"), "{\"main_module\":\"m.js\"}", "m.js", MANY_FETCHES)
                    .status()).isEqualTo(200);
            assertThat(w.worker("GET", "many.lim.test", "/", null).body()).as("the platform's 1,003, not 1,000")
                    .isEqualTo("1003");
            assertThat(w.worker("GET", "many.lim.test", "/?sub=1200", null).body()).as("a wider call stays at 1,003")
                    .isEqualTo("1003");
        }
    }
}

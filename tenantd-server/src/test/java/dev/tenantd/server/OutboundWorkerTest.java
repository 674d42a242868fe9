package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every fetch() of a dispatched user worker passes through the namespace binding's outbound worker. */
class OutboundWorkerTest {
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.out.test/*=front")));
        t.createNamespace("tenants");
        String binding = "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\","
                + "\"outbound\":{\"worker\":{\"service\":\"gatekeeper\"},\"params\":[{\"name\":\"customer\"},{\"name\":\"plan\"}]}}";
        assertThat(t.putModule(t.accountApi("/workers/scripts/front"),
                "{\"main_module\":\"f.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":[" + binding + "]}", "f.js", """
                export default { fetch(request, env) {
                  const customer = new URL(request.url).hostname.split('.')[0];
                  return env.NS.get(customer, {}, { outbound: { customer, plan: 'gold', smuggled: 'x' } }).fetch(request);
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/gatekeeper"), "{\"main_module\":\"g.js\",\"bindings\":["
                + "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\","
                + "\"outbound\":{\"worker\":{\"service\":\"gatekeeper\"}}}]}", "g.js", """
                export default { async fetch(request, env) {
                  const url = new URL(request.url);
                  if (url.hostname === 'loop.example') return env.NS.get('acme').fetch(request); // back into the namespace
                  if (url.hostname === 'moved.example' && url.pathname === '/start') {
                    return new Response(`given ${request.redirect}`, { status: 302, headers: { location: '/landed' } });
                  }
                  if (url.hostname.startsWith('forbidden')) {
                    return new Response(`blocked ${url.hostname} for ${env.customer}`, { status: 403 });
                  }
                  return new Response(`${request.method} ${url.href} for ${env.customer} (${env.plan}) smuggled=${env.smuggled}`);
                } };""").status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/acme"), "{\"main_module\":\"u.js\"}", "u.js", """
                import { connect } from 'cloudflare:sockets';
                const saved = globalThis.fetch;
                export default { async fetch(request, env, ctx) {
                  const path = new URL(request.url).pathname;
                  const show = async (r) => new Response(r.status + ' ' + await r.text());
                  if (path === '/plain') return show(await fetch('https://example.com/data'));
                  if (path === '/loop') {
                    const n = Number(new URL(request.url).searchParams.get('n') || 0);
                    try {
                      return new Response(await (await fetch('https://loop.example/loop?n=' + (n + 1))).text());
                    } catch (e) {
                      return new Response('stopped at ' + n + ': ' + e.message);
                    }
                  }
                  if (path === '/forbidden') return show(await fetch('https://forbidden.example/'));
                  if (path === '/moved') {
                    const redirect = new URL(request.url).searchParams.get('mode');
                    try {
                      const r = await fetch('https://moved.example/start#part', { redirect });
                      return new Response(`${r.status} redirected=${r.redirected} ${r.url}: ${await r.text()}`);
                    } catch (e) {
                      return new Response(`${e.name}: ${e.message}`);
                    }
                  }
                  if (path === '/saved') return show(await saved(new Request('https://example.com/saved', { method: 'POST', body: 'x' })));
                  if (path === '/socket') {
                    try { await connect('example.com:5432').opened; return new Response('connected'); }
                    catch (e) { return new Response(`${e.name}: ${e.message}`); }
                  }
                  if (path === '/timer') {
                    const r = await new Promise((resolve) => setTimeout(() => resolve(fetch('https://example.com/later')), 1));
                    return show(r);
                  }
                  return new Response('?');
                } };""").status()).isEqualTo(200);
    }

    /** A user worker with a dispatch binding of its own, without an outbound worker: it asks acme through it. */
    static void deployNested() {
        assertThat(t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/nested"), "{\"main_module\":\"n.js\","
                + "\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"OWN\",\"namespace\":\"tenants\"}]}", "n.js", """
                export default { async fetch(request, env) {
                  const r = await env.OWN.get('acme').fetch('https://acme.example/plain');
                  return new Response('acme said: ' + await r.text());
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void a_user_worker_calling_another_through_its_own_binding_keeps_its_outbound_worker() {
        deployNested();
        // acme's fetch goes through nested's outbound worker, with nested's parameters, not to the network.
        assertThat(t.worker("GET", "nested.out.test", "/", null).body())
                .isEqualTo("acme said: 200 GET https://example.com/data for nested (gold) smuggled=undefined");
    }

    @Test
    void a_chain_through_the_outbound_worker_back_into_the_namespace_meets_the_depth_limit() {
        String answer = t.worker("GET", "acme.out.test", "/loop", null).body();
        assertThat(answer).startsWith("stopped at ").contains("depth");
        assertThat(Integer.parseInt(answer.substring("stopped at ".length(), answer.indexOf(':'))))
                .as("user worker, outbound worker, user worker...: two levels a round, 16 at most").isLessThanOrEqualTo(8);
    }

    @Test
    void an_outbound_worker_deleted_since_fails_the_subrequest_without_telling_the_user_worker_its_name() {
        t.deploy("/workers/scripts/doomed-gate", "{\"main_module\":\"d.js\"}", "d.js",
                "export default { fetch() { return new Response('gate'); } };");
        t.deploy("/workers/scripts/front-gone", "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\","
                + "\"name\":\"NS\",\"namespace\":\"tenants\",\"outbound\":{\"worker\":{\"service\":\"doomed-gate\"}}}]}",
                "f.js", "export default { fetch(request, env) { return env.NS.get('acme').fetch(request); } };");
        assertThat(t.delete(t.accountApi("/workers/scripts/doomed-gate")).status()).isEqualTo(200);

        String body = t.worker("GET", "front-gone.localhost", "/loop", null).body();

        assertThat(body).isEqualTo("stopped at 0: The outbound worker this worker's dispatcher named does not exist.");
    }

    @Test
    void outbound_worker_receives_its_declared_params_and_rewrites_the_response() {
        assertThat(t.worker("GET", "acme.out.test", "/plain", null).body())
                .isEqualTo("200 GET https://example.com/data for acme (gold) smuggled=undefined");
    }

    @Test
    void a_redirect_the_outbound_worker_answers_is_followed_through_it_as_the_user_workers_request_says() {
        // It is given each request as a worker is given one (mode manual), and the user worker's fetch follows.
        assertThat(t.worker("GET", "acme.out.test", "/moved?mode=follow", null).body())
                .isEqualTo("200 redirected=true https://moved.example/landed: GET https://moved.example/landed for acme "
                        + "(gold) smuggled=undefined");
        assertThat(t.worker("GET", "acme.out.test", "/moved?mode=manual", null).body())
                .isEqualTo("302 redirected=false https://moved.example/start: given manual");
        assertThat(t.worker("GET", "acme.out.test", "/moved?mode=error", null).body())
                .startsWith("TypeError: The response redirects (302), and the request's redirect mode is 'error'.");
    }

    @Test
    void tcp_sockets_are_refused_where_an_outbound_worker_watches_the_requests() {
        assertThat(t.worker("GET", "acme.out.test", "/socket", null).body())
                .isEqualTo("Error: connect() is not available to this worker: its requests leave through an outbound "
                        + "worker, which sees HTTP requests only.");
    }

    @Test
    void outbound_worker_can_block_a_request() {
        assertThat(t.worker("GET", "acme.out.test", "/forbidden", null).body()).isEqualTo("403 blocked forbidden.example for acme");
    }

    @Test
    void the_user_worker_cannot_get_around_it() {
        assertThat(t.worker("GET", "acme.out.test", "/saved", null).body())
                .isEqualTo("200 POST https://example.com/saved for acme (gold) smuggled=undefined");
        assertThat(t.worker("GET", "acme.out.test", "/timer", null).body())
                .isEqualTo("200 GET https://example.com/later for acme (gold) smuggled=undefined");
    }

    @Test
    void fetch_at_top_level_is_refused() {
        TestServer.Reply r = t.putModule(t.accountApi("/workers/dispatch/namespaces/tenants/scripts/eager"),
                "{\"main_module\":\"e.js\"}", "e.js",
                "await fetch('https://example.com/');\nexport default { fetch() { return new Response('x'); } };");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("global scope");
    }

    @Test
    void invalid_outbound_declaration_is_refused() {
        TestServer.Reply r = t.putModule(t.accountApi("/workers/scripts/front2"),
                "{\"main_module\":\"f.js\",\"bindings\":[{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\",\"outbound\":{\"params\":[]}}]}",
                "f.js", "export default { fetch() { return new Response('x'); } };");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("outbound");
    }
}

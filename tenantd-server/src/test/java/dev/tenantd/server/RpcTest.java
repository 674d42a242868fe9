package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JS RPC between workers, each in its own isolate: a front worker calls methods of the calc
 * worker through service bindings (default and named entrypoints, props), and a dispatcher
 * calls a user worker's methods through its namespace's stub.
 */
class RpcTest {
    @TempDir
    static Path dir;
    static TestServer t;

    /** The front worker answers each path with {ok: result} or {error, message, ...} of one call. */
    private static final String FRONT = """
            import { RpcTarget } from 'cloudflare:workers';
            class Local { constructor() { this.x = 1; } }
            class Counter extends RpcTarget {
              #n = 0;
              field = 'own';
              inc(by) { this.#n += by; return this.#n; }
              get count() { return this.#n; }
            }
            const run = async (fn) => {
              try {
                return Response.json({ ok: await fn() });
              } catch (e) {
                return Response.json({ error: e.name, message: e.message, stack: String(e.stack),
                  isRangeError: e instanceof RangeError, isTypeError: e instanceof TypeError });
              }
            };
            export default { async fetch(request, env) {
              const path = new URL(request.url).pathname;
              switch (path) {
                case '/add': return run(() => env.CALC.add(1, 2));
                case '/large-result': return run(async () => (await env.CALC.big(8 * 1024 * 1024)).length);
                case '/too-large-result': return run(async () => (await env.CALC.big(33 * 1024 * 1024)).length);
                case '/too-large-args': return run(() => env.CALC.echo('x'.repeat(33 * 1024 * 1024)));
                case '/values': return run(async () => {
                  const cyclic = { name: 'c' };
                  cyclic.self = cyclic;
                  const sent = { n: 1.5, neg: -0, nan: NaN, big: 12345678901234567890n, u: undefined, s: 'é\\u{1F600}',
                    date: new Date(86400000), map: new Map([[1, 'one']]), set: new Set(['a']), bytes: new Uint8Array([1, 2, 255]),
                    re: /a+b/gi, list: [1, , 3], cyclic };
                  const back = await env.CALC.echo(sent);
                  return {
                    n: back.n, negIsNegZero: Object.is(back.neg, -0), nanIsNaN: Number.isNaN(back.nan), big: String(back.big),
                    hasU: 'u' in back && back.u === undefined, s: back.s, date: back.date.toISOString(),
                    map: back.map.get(1), set: back.set.has('a'), bytes: [...back.bytes], bytesType: back.bytes.constructor.name,
                    re: String(back.re), hole: !(1 in back.list), length: back.list.length, cyclic: back.cyclic.self === back.cyclic,
                    notSame: back !== sent,
                  };
                });
                case '/range-error': return run(() => env.CALC.fail('range'));
                case '/type-error': return run(() => env.CALC.fail('type'));
                case '/admin': return run(() => env.ADMIN.whoami());
                case '/fetch': return env.CALC.fetch('https://calc/hello');
                case '/stream': return run(async () => {
                  const body = new Response('streamed ' + 'x'.repeat(70000)).body;
                  const back = await env.CALC.upper(body);
                  return { back: (await new Response(back.stream).text()).slice(0, 12), length: back.length, used: body.locked };
                });
                case '/admin-fetch': return env.ADMIN.fetch('https://calc/admin');
                case '/loop-fetch': return env.LOOP.fetch('https://loop/');
                case '/unknown': return run(() => env.CALC.nope());
                case '/private': return run(() => env.CALC.secret());
                case '/constructor': return run(() => env.CALC.constructor.name);
                case '/reserved': return run(() => env.CALC.alarm());
                case '/env': return run(() => env.CALC.env());
                case '/object-method': return run(() => env.CALC.hasOwnProperty('x'));
                case '/symbol': return run(() => env.CALC.echo(Symbol('s')));
                case '/class-instance': return run(() => env.CALC.echo(new Local()));
                case '/returns-instance': return run(() => env.CALC.makeInstance());
                case '/callback': return run(() => env.CALC.applyTwice((x) => x * 2, 5));
                case '/callback-error': return run(() => env.CALC.applyTwice(() => { throw new TypeError('nope from callback'); }, 1));
                case '/rpc-target': return run(async () => {
                  const counter = new Counter();
                  const remote = await env.CALC.useCounter(counter);
                  return { remote, local: counter.count };
                });
                case '/rpc-target-field': return run(() => env.CALC.callOn(new Counter(), 'field'));
                case '/rpc-target-constructor': return run(() => env.CALC.callOn(new Counter(), 'constructor'));
                case '/returns-function': return run(() => env.CALC.giveFunction());
                case '/stale-stub': return run(async () => {
                  await env.CALC.keep((x) => x + 1);
                  return await env.CALC.callKept();
                });
                case '/plain': return run(() => env.PLAIN.hello('you'));
                case '/plain-two-args': return run(() => env.PLAIN.hello('you', 'me'));
                case '/plain-no-fetch': return run(() => env.PLAIN.fetch('https://plain/'));
                case '/recurse': return run(() => env.LOOP.down(5));
                case '/recurse-forever': return run(() => env.LOOP.down(1000));
                case '/callbacks-one-after-another': return run(async () => {
                  let total = 0;
                  for (let i = 0; i < 40; i++) total = await env.CALC.applyTwice((x) => env.CALC.add(x, 1), total);
                  return total;
                });
                case '/recurse-through-callbacks': return run(async () => {
                  let rounds = 0;
                  const again = async (x) => (++rounds > 100 ? x : env.CALC.applyTwice(again, x));
                  try {
                    await env.CALC.applyTwice(again, 0);
                    return { rounds };
                  } catch (e) {
                    return { rounds, message: e.message };
                  }
                });
                case '/then': return run(() => typeof env.CALC.then);
                case '/wait-until': return run(() => env.CALC.later());
              }
              return new Response('?', { status: 404 });
            } };""";

    private static final String CALC = """
            import { WorkerEntrypoint, RpcTarget } from 'cloudflare:workers';
            class Thing { constructor() { this.a = 1; } }
            export class Admin extends WorkerEntrypoint {
              whoami() { return { props: this.ctx.props, envIsObject: typeof this.env === 'object' }; }
              fetch(request) { return new Response('admin fetch ' + this.ctx.props.role); }
            }
            export default class Calc extends WorkerEntrypoint {
              add(a, b) { return a + b; }
              big(n) { return 'x'.repeat(n); }
              async echo(value) { return value; }
              fail(kind) {
                if (kind === 'range') throw new RangeError('out of range in calc.js');
                throw new TypeError('bad input');
              }
              makeInstance() { return new Thing(); }
              async upper(stream) {
                const text = await new Response(stream).text();
                return { stream: new Response(text.toUpperCase()).body, length: text.length };
              }
              async applyTwice(fn, value) { return await fn(await fn(value)); }
              async useCounter(counter) { await counter.inc(1); await counter.inc(2); return await counter.inc(3); }
              async callOn(target, method) { return await target[method](); }
              giveFunction() { return () => 1; }
              keep(fn) { globalThis.kept = fn; return 'kept'; }
              callKept() { return globalThis.kept(1); }
              #secret() { return 'secret'; }
              later() { this.ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 10))); return 'soon'; }
              fetch(request) { return new Response('calc fetch ' + new URL(request.url).pathname); }
            }""";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of(Route.parse("*.rpc.test/*=front"), Route.parse("*.wfp.test/*=dispatcher")));
        t.createNamespace("tenants");
        t.deploy("/workers/scripts/calc", "{\"main_module\":\"calc.js\"}", "calc.js", CALC);
        t.deploy("/workers/scripts/plain", "{\"main_module\":\"p.js\"}", "p.js", """
                export default {
                  hello(name, env, ctx) { return 'hello ' + name; },
                  fetch() { return new Response('plain'); },
                };""");
        t.deploy("/workers/scripts/loop", "{\"main_module\":\"l.js\",\"bindings\":[{\"type\":\"service\",\"name\":\"SELF\",\"service\":\"loop\"}]}",
                "l.js", """
                import { WorkerEntrypoint } from 'cloudflare:workers';
                export default class extends WorkerEntrypoint {
                  async down(n) { return n === 0 ? 0 : 1 + await this.env.SELF.down(n - 1); }
                  async fetch(request) {
                    try {
                      return await this.env.SELF.fetch(request);
                    } catch (e) {
                      return new Response('stopped: ' + e.message);
                    }
                  }
                }""");
        t.deploy("/workers/scripts/front", "{\"main_module\":\"f.js\",\"bindings\":["
                + "{\"type\":\"service\",\"name\":\"CALC\",\"service\":\"calc\"},"
                + "{\"type\":\"service\",\"name\":\"ADMIN\",\"service\":\"calc\",\"entrypoint\":\"Admin\",\"props\":{\"role\":\"ops\",\"n\":2}},"
                + "{\"type\":\"service\",\"name\":\"PLAIN\",\"service\":\"plain\"},"
                + "{\"type\":\"service\",\"name\":\"LOOP\",\"service\":\"loop\"}]}", "f.js", FRONT);
        t.deploy("/workers/dispatch/namespaces/tenants/scripts/acme", "{\"main_module\":\"u.js\",\"bindings\":["
                + "{\"type\":\"service\",\"name\":\"CALC\",\"service\":\"calc\"}]}", "u.js", """
                import { WorkerEntrypoint } from 'cloudflare:workers';
                export default class extends WorkerEntrypoint {
                  greet(name) { return `hi ${name} from acme`; }
                  async sums(count) {
                    let total = 0;
                    for (let i = 0; i < count; i++) total += await this.env.CALC.add(i, 0);
                    return total;
                  }
                  spin() { for (;;) {} }
                  fetch() { return new Response('acme'); }
                }""");
        t.deploy("/workers/scripts/dispatcher", "{\"main_module\":\"d.js\",\"compatibility_date\":\"2024-01-01\",\"bindings\":["
                + "{\"type\":\"dispatch_namespace\",\"name\":\"NS\",\"namespace\":\"tenants\"}]}", "d.js", """
                export default { async fetch(request, env) {
                  const path = new URL(request.url).pathname;
                  try {
                    if (path === '/greet') return new Response(await env.NS.get('acme').greet('bob'));
                    if (path === '/fetch') return env.NS.get('acme').fetch(request);
                    if (path === '/sums') return new Response(String(await env.NS.get('acme', {}, { limits: { subRequests: 3 } }).sums(3)));
                    if (path === '/too-many') return new Response(String(await env.NS.get('acme', {}, { limits: { subRequests: 3 } }).sums(4)));
                    if (path === '/cpu') return new Response(await env.NS.get('acme', {}, { limits: { cpuMs: 50 } }).spin());
                    if (path === '/missing') return new Response(await env.NS.get('nobody').greet('bob'));
                  } catch (e) {
                    return new Response(`${e.name}: ${e.message}`, { status: 500 });
                  }
                  return new Response('?', { status: 404 });
                } };""");
    }


    @AfterAll
    static void stop() {
        t.close();
    }

    private static JsonNode call(String path) {
        TestServer.Reply r = t.worker("GET", "x.rpc.test", path, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void a_method_of_another_worker_returns_its_result() {
        assertThat(call("/add").path("ok").asInt()).isEqualTo(3);
    }

    @Test
    void arguments_and_results_are_at_most_thirty_two_mebibytes_serialized() {
        assertThat(call("/large-result").path("ok").asInt()).isEqualTo(8 * 1024 * 1024);
        for (String path : List.of("/too-large-result", "/too-large-args")) {
            JsonNode refused = call(path);
            assertThat(refused.path("error").asText()).as(path).isEqualTo("RangeError");
            assertThat(refused.path("message").asText()).as(path).matches(
                    "The RPC call's (result|arguments) take [0-9]+ bytes serialized; the limit is 33554432 \\(32 MiB\\)\\.");
        }
        assertThat(call("/add").path("ok").asInt()).as("the caller goes on").isEqualTo(3);
    }

    @Test
    void values_are_cloned_across_isolates() {
        JsonNode reply = call("/values");
        JsonNode back = reply.path("ok");
        assertThat(back.isObject()).as(reply.toString()).isTrue();
        assertThat(back.path("n").asDouble()).isEqualTo(1.5);
        assertThat(back.path("negIsNegZero").asBoolean()).isTrue();
        assertThat(back.path("nanIsNaN").asBoolean()).isTrue();
        assertThat(back.path("big").asText()).isEqualTo("12345678901234567890");
        assertThat(back.path("hasU").asBoolean()).isTrue();
        assertThat(back.path("s").asText()).isEqualTo("é\uD83D\uDE00");
        assertThat(back.path("date").asText()).isEqualTo("1970-01-02T00:00:00.000Z");
        assertThat(back.path("map").asText()).isEqualTo("one");
        assertThat(back.path("set").asBoolean()).isTrue();
        assertThat(back.path("bytes").toString()).isEqualTo("[1,2,255]");
        assertThat(back.path("bytesType").asText()).isEqualTo("Uint8Array");
        assertThat(back.path("re").asText()).isEqualTo("/a+b/gi");
        assertThat(back.path("hole").asBoolean()).isTrue();
        assertThat(back.path("length").asInt()).isEqualTo(3);
        assertThat(back.path("cyclic").asBoolean()).isTrue();
        assertThat(back.path("notSame").asBoolean()).isTrue();
    }

    @Test
    void an_error_thrown_by_the_target_rejects_with_its_type_and_message_but_not_its_stack() {
        JsonNode range = call("/range-error");
        assertThat(range.path("error").asText()).isEqualTo("RangeError");
        assertThat(range.path("message").asText()).isEqualTo("out of range in calc.js");
        assertThat(range.path("isRangeError").asBoolean()).isTrue();
        assertThat(range.path("stack").asText()).doesNotContain("calc.js:").doesNotContain("Calc.fail");
        JsonNode type = call("/type-error");
        assertThat(type.path("error").asText()).isEqualTo("TypeError");
        assertThat(type.path("message").asText()).isEqualTo("bad input");
    }

    @Test
    void a_named_entrypoint_sees_the_binding_props() {
        JsonNode who = call("/admin").path("ok");
        assertThat(who.path("props").toString()).isEqualTo("{\"role\":\"ops\",\"n\":2}");
        assertThat(who.path("envIsObject").asBoolean()).isTrue();
    }

    @Test
    void fetch_through_the_binding_still_reaches_the_fetch_handler() {
        TestServer.Reply r = t.worker("GET", "x.rpc.test", "/fetch", null);
        assertThat(r.body()).isEqualTo("calc fetch /hello");
    }

    @Test
    void fetch_through_a_binding_with_an_entrypoint_reaches_that_entrypoint_with_its_props() {
        assertThat(t.worker("GET", "x.rpc.test", "/admin-fetch", null).body()).isEqualTo("admin fetch ops");
    }

    @Test
    void fetch_recursion_through_service_bindings_is_bounded_too() {
        assertThat(t.worker("GET", "x.rpc.test", "/loop-fetch", null).body()).startsWith("stopped: Subrequest depth limit exceeded");
    }

    @Test
    void methods_the_target_does_not_offer_are_refused_with_workers_errors() {
        assertThat(call("/unknown").path("message").asText())
                .isEqualTo("The RPC receiver does not implement the method \"nope\".");
        assertThat(call("/unknown").path("isTypeError").asBoolean()).isTrue();
        assertThat(call("/private").path("message").asText())
                .isEqualTo("The RPC receiver does not implement the method \"secret\".");
        assertThat(call("/reserved").path("message").asText())
                .isEqualTo("'alarm' is a reserved method and cannot be called over RPC.");
        assertThat(call("/env").path("message").asText())
                .isEqualTo("The RPC receiver does not implement the method \"env\".");
        assertThat(call("/then").path("ok").asText()).isEqualTo("undefined");
    }

    @Test
    void arguments_and_results_that_cannot_be_cloned_fail_with_data_clone_error() {
        JsonNode symbol = call("/symbol");
        assertThat(symbol.path("error").asText()).isEqualTo("DataCloneError");
        assertThat(symbol.path("message").asText()).isEqualTo("Symbol(s) could not be cloned.");
        JsonNode instance = call("/class-instance");
        assertThat(instance.path("error").asText()).isEqualTo("DataCloneError");
        assertThat(instance.path("message").asText())
                .isEqualTo("Could not serialize object of type \"Local\". This type does not support serialization.");
        JsonNode returned = call("/returns-instance");
        assertThat(returned.path("error").asText()).isEqualTo("DataCloneError");
        assertThat(returned.path("message").asText())
                .isEqualTo("Could not serialize object of type \"Thing\". This type does not support serialization.");
    }

    @Test
    void a_service_binding_with_a_bad_entrypoint_or_props_is_refused_at_upload() {
        TestServer.Reply entrypoint = t.putModule(t.accountApi("/workers/scripts/bad1"),
                "{\"main_module\":\"b.js\",\"bindings\":[{\"type\":\"service\",\"name\":\"S\",\"service\":\"calc\","
                        + "\"entrypoint\":\"not an export\"}]}", "b.js", "export default { fetch() { return new Response('x'); } };");
        assertThat(entrypoint.status()).isEqualTo(400);
        assertThat(entrypoint.message()).contains("entrypoint must be the name of an export");
        TestServer.Reply props = t.putModule(t.accountApi("/workers/scripts/bad2"),
                "{\"main_module\":\"b.js\",\"bindings\":[{\"type\":\"service\",\"name\":\"S\",\"service\":\"calc\","
                        + "\"props\":[1]}]}", "b.js", "export default { fetch() { return new Response('x'); } };");
        assertThat(props.status()).isEqualTo(400);
        assertThat(props.message()).contains("props must be a JSON object");
    }

    @Test
    void an_entrypoint_class_without_fetch_serves_rpc_and_refuses_fetch() {
        t.deploy("/workers/scripts/rpc-only", "{\"main_module\":\"r.js\"}", "r.js", """
                import { WorkerEntrypoint } from 'cloudflare:workers';
                export default class extends WorkerEntrypoint { ping() { return 'pong'; } }""");
        t.deploy("/workers/scripts/rpc-caller", "{\"main_module\":\"c.js\",\"bindings\":["
                + "{\"type\":\"service\",\"name\":\"R\",\"service\":\"rpc-only\"}]}", "c.js", """
                export default { async fetch(request, env) {
                  const fetched = await env.R.fetch('https://r/').then((r) => r.status, (e) => e.message);
                  return new Response(await env.R.ping() + ' / ' + fetched);
                } };""");
        assertThat(t.worker("GET", "rpc-caller.localhost", "/", null).body()).isEqualTo("pong / Handler does not export a fetch() function.");
    }

    @Test
    void a_function_argument_becomes_a_stub_that_calls_back_into_the_caller() {
        assertThat(call("/callback").path("ok").asInt()).isEqualTo(20);
        JsonNode failed = call("/callback-error");
        assertThat(failed.path("error").asText()).isEqualTo("TypeError");
        assertThat(failed.path("message").asText()).isEqualTo("nope from callback");
    }

    @Test
    void an_rpc_target_argument_is_called_in_the_isolate_that_owns_it() {
        JsonNode both = call("/rpc-target").path("ok");
        assertThat(both.path("remote").asInt()).isEqualTo(6);
        assertThat(both.path("local").asInt()).isEqualTo(6);
        assertThat(call("/rpc-target-field").path("message").asText())
                .isEqualTo("The RPC receiver does not implement the method \"field\".");
        assertThat(call("/rpc-target-constructor").path("message").asText())
                .isEqualTo("'constructor' is a reserved method and cannot be called over RPC.");
    }

    @Test
    void a_stub_is_usable_only_while_the_call_it_came_with_lasts() {
        assertThat(call("/stale-stub").path("message").asText()).startsWith("The RPC stub is no longer usable");
        assertThat(call("/returns-function").path("error").asText()).isEqualTo("DataCloneError");
    }

    @Test
    void readable_streams_cross_as_their_bytes_both_ways() {
        JsonNode back = call("/stream").path("ok");
        assertThat(back.path("back").asText()).isEqualTo("STREAMED XXX");
        assertThat(back.path("length").asInt()).isEqualTo(70009);
        assertThat(back.path("used").asBoolean()).isTrue();
    }

    @Test
    void a_plain_object_export_offers_its_handler_functions_with_one_argument() {
        assertThat(call("/plain").path("ok").asText()).isEqualTo("hello you");
        assertThat(call("/plain-two-args").path("message").asText())
                .startsWith("Attempted to call RPC function \"hello\" with the wrong number of arguments.");
    }

    @Test
    void recursion_between_workers_is_bounded() {
        assertThat(call("/recurse").path("ok").asInt()).isEqualTo(5);
        JsonNode deep = call("/recurse-forever");
        JsonNode throughCallbacks = call("/recurse-through-callbacks").path("ok");
        assertThat(throughCallbacks.path("message").asText()).startsWith("Subrequest depth limit exceeded");
        assertThat(throughCallbacks.path("rounds").asInt()).isLessThan(20);
        assertThat(call("/callbacks-one-after-another").path("ok").asInt()).isEqualTo(80);
        assertThat(deep.path("message").asText()).startsWith("Subrequest depth limit exceeded");
        assertThat(call("/add").path("ok").asInt()).isEqualTo(3);
    }

    @Test
    void the_target_runs_within_its_own_cpu_limit() {
        assertThat(t.worker("GET", "x.wfp.test", "/cpu", null).body()).isEqualTo("Error: Worker exceeded CPU time limit.");
        assertThat(t.worker("GET", "x.wfp.test", "/greet", null).body()).isEqualTo("hi bob from acme");
    }

    @Test
    void wait_until_work_of_the_target_does_not_delay_the_result() {
        assertThat(call("/wait-until").path("ok").asText()).isEqualTo("soon");
    }

    @Test
    void a_dispatcher_calls_a_user_worker_method_through_its_namespace_stub() {
        TestServer.Reply r = t.worker("GET", "x.wfp.test", "/greet", null);
        assertThat(r.body()).isEqualTo("hi bob from acme");
        assertThat(t.worker("GET", "x.wfp.test", "/fetch", null).body()).isEqualTo("acme");
        assertThat(t.worker("GET", "x.wfp.test", "/missing", null).body()).isEqualTo("Error: Worker not found.");
    }

    @Test
    void each_rpc_call_counts_as_a_subrequest_of_its_caller() {
        assertThat(t.worker("GET", "x.wfp.test", "/sums", null).body()).isEqualTo("3");
        assertThat(t.worker("GET", "x.wfp.test", "/too-many", null).body()).isEqualTo("Error: Too many subrequests.");
    }
}

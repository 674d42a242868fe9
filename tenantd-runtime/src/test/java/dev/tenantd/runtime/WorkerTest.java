package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WorkerTest {

    @Test
    void es_module_worker_answers_with_request_details() {
        Worker w = load(Engines.module("""
                export default {
                  async fetch(request, env, ctx) {
                    const body = await request.text();
                    return new Response(`${request.method} ${new URL(request.url).pathname} ${body} ${request.headers.get('x-a')}`,
                      { status: 201, headers: { 'x-out': 'yes' } });
                  }
                };"""));
        WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://a.test/p?q=1", List.of("x-a", "hdr"),
                "data".getBytes(StandardCharsets.UTF_8))));
        assertThat(r.status()).isEqualTo(201);
        assertThat(text(r)).isEqualTo("POST /p data hdr");
        assertThat(r.header("x-out")).contains("yes");
    }

    @Test
    void service_worker_script_responds_through_respond_with() {
        Worker w = load(Engines.serviceWorker("""
                addEventListener('fetch', (event) => {
                  event.respondWith(new Response('hello from ' + event.request.method));
                });"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("hello from GET");
    }

    @Test
    void several_modules_resolve_by_file_name_with_text_and_data_modules() {
        Worker w = load(Engines.modules("src/index.js", List.of(
                esm("src/index.js", """
                        import { greet } from './lib/greet.js';
                        import template from '../templates/page.txt';
                        import bytes from '../blob.bin';
                        import config from 'config.json';
                        export default { fetch() { return new Response(greet(template) + ' ' + new Uint8Array(bytes).length + ' ' + config.n); } };"""),
                esm("src/lib/greet.js", "export function greet(t) { return t.replace('NAME', 'world'); }"),
                new WorkerModule("templates/page.txt", ModuleType.TEXT, "hello NAME".getBytes(StandardCharsets.UTF_8)),
                new WorkerModule("blob.bin", ModuleType.DATA, new byte[] {1, 2, 3}),
                new WorkerModule("config.json", ModuleType.JSON, "{\"n\": 7}".getBytes(StandardCharsets.UTF_8))),
                List.of()));
        assertThat(text(get(w, "http://x/"))).isEqualTo("hello world 3 7");
    }

    @Test
    void eval_and_new_function_throw_eval_error() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const out = [];
                  try { eval('1'); out.push('eval ran'); } catch (e) { out.push(e.constructor.name); }
                  try { new Function('return 1')(); out.push('function ran'); } catch (e) { out.push(e.constructor.name); }
                  return new Response(out.join(','));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("EvalError,EvalError");
    }

    @Test
    void no_java_or_host_object_is_reachable() {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const names = ['java', 'javet', 'Packages', '__tenantd_host', 'host', 'require', 'process', 'Buffer', 'entryPoints',
                    'continuation', 'getContinuationPreservedEmbedderData', 'setContinuationPreservedEmbedderData'];
                  return new Response(names.map((n) => typeof globalThis[n]).join(','));
                } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo(String.join(",", java.util.Collections.nCopies(12, "undefined")));
    }

    @Test
    void workers_do_not_share_globals_or_env() {
        Worker a = load(Engines.modules("w.js", List.of(esm("w.js", """
                globalThis.secret = 'a-secret';
                export default { fetch(r, env) { return new Response(env.NAME + ':' + globalThis.secret); } };""")),
                List.of(Binding.text("NAME", "a"))));
        Worker b = load(Engines.modules("w.js", List.of(esm("w.js", """
                export default { fetch(r, env) { return new Response(String(env.NAME) + ':' + typeof globalThis.secret); } };""")),
                List.of()));
        assertThat(text(get(a, "http://x/"))).isEqualTo("a:a-secret");
        assertThat(text(get(b, "http://x/"))).isEqualTo("undefined:undefined");
    }

    @Test
    void syntax_error_reports_module_and_line() {
        assertThatThrownBy(() -> load(Engines.module("export default {\n  fetch() {\n    return new Response('x'\n  }\n};")))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("SyntaxError")
                .hasMessageContaining("worker.js:3");
    }

    @Test
    void module_without_fetch_handler_is_refused() {
        assertThatThrownBy(() -> load(Engines.module("export default { scheduled() {} };")))
                .isInstanceOf(ScriptException.class).hasMessageContaining("fetch");
        assertThatThrownBy(() -> load(Engines.module("export const x = 1;")))
                .isInstanceOf(ScriptException.class).hasMessageContaining("No event handlers");
        assertThatThrownBy(() -> load(Engines.serviceWorker("const x = 1;")))
                .isInstanceOf(ScriptException.class).hasMessageContaining("No event handlers");
    }

    @Test
    void import_of_missing_module_is_refused() {
        assertThatThrownBy(() -> load(Engines.module("import x from './nope.js';\nexport default { fetch() { return new Response(x); } };")))
                .isInstanceOf(ScriptException.class).hasMessageContaining("nope.js");
    }

    @Test
    void top_level_throw_is_reported() {
        assertThatThrownBy(() -> load(Engines.module("throw new Error('boom at start');\nexport default { fetch() {} };")))
                .isInstanceOf(ScriptException.class).hasMessageContaining("boom at start");
    }

    @Test
    void handler_exception_fails_the_invocation_with_its_message() {
        Worker w = load(Engines.module("export default { async fetch() { throw new TypeError('bad thing'); } };"));
        assertThatThrownBy(() -> get(w, "http://x/"))
                .isInstanceOfSatisfying(InvocationException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.EXCEPTION);
                    assertThat(e.errorName()).isEqualTo("TypeError");
                    assertThat(e.getMessage()).isEqualTo("bad thing");
                });
        // the isolate keeps serving
        assertThatThrownBy(() -> get(w, "http://x/")).isInstanceOf(InvocationException.class);
    }

    @Test
    void returning_something_other_than_a_response_is_an_exception() {
        Worker w = load(Engines.module("export default { fetch() { return 'text'; } };"));
        assertThatThrownBy(() -> get(w, "http://x/"))
                .isInstanceOf(InvocationException.class).hasMessageContaining("Response");
    }

    @Test
    void fetch_goes_through_the_host_and_timers_fire() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { async fetch() {
                  await new Promise((resolve) => setTimeout(resolve, 5));
                  const r = await fetch('https://example.com/x', { method: 'POST', body: 'hi', headers: { 'x-h': '1' } });
                  return new Response((await r.text()) + ' ' + r.status + ' ' + r.headers.get('x-echo-method'));
                } };"""), host);
        assertThat(text(get(w, "http://x/"))).isEqualTo("POST https://example.com/x hi 200 POST");
        assertThat(host.fetched).singleElement().satisfies(r -> assertThat(r.header("x-h")).contains("1"));
    }

    @Test
    void wait_until_and_console_logs_reach_the_host() throws Exception {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) {
                  console.log('handling', { a: 1 });
                  ctx.waitUntil(new Promise((resolve) => setTimeout(() => { console.warn('later'); resolve(); }, 10)));
                  return new Response('now');
                } };"""), host);
        assertThat(text(get(w, "http://x/"))).isEqualTo("now");
        long deadline = System.currentTimeMillis() + 5000;
        while (host.logs.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(host.logs).extracting(LogLine::level, LogLine::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("log", "handling { a: 1 }"),
                        org.assertj.core.groups.Tuple.tuple("warn", "later"));
    }

    /** Records what an {@link InvocationObserver} is told, in order. */
    static final class RecordingObserver implements InvocationObserver {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<InvocationRecord> ended = new CompletableFuture<>();

        @Override
        public void log(String level, String messageJson, long timestampMillis) {
            calls.add(level + " " + messageJson);
        }

        @Override
        public void exception(String name, String message, long timestampMillis) {
            calls.add("exception " + name + ": " + message);
        }

        @Override
        public void responded(int status) {
            calls.add("responded " + status);
        }

        @Override
        public void ended(InvocationRecord record) {
            calls.add("ended " + record.outcome().wireName());
            ended.complete(record);
        }
    }

    @Test
    void an_observer_sees_console_arguments_as_json_values_the_response_and_the_end() throws Exception {
        Worker w = load(Engines.module("""
                export default { fetch(request) {
                  const loop = { name: 'loop' };
                  loop.self = loop;
                  console.info('text', 1.5, true, null, undefined, [1, { b: 'c' }], loop, new Map([[1, 2]]), 10n, NaN);
                  console.debug('%s=%d', 'x', 3);
                  if (request.url.endsWith('/throw')) throw new RangeError('out of range');
                  return new Response('ok', { status: 203 });
                } };"""));
        RecordingObserver ok = new RecordingObserver();
        get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationOptions(InvocationLimits.defaults(), "", java.util.Optional.empty(), ok)));
        ok.ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ok.calls).containsExactly(
                "info [\"text\",1.5,true,null,\"undefined\",[1,{\"b\":\"c\"}],{\"name\":\"loop\",\"self\":\"[Circular]\"},"
                        + "\"Map(1) { 1 => 2 }\",\"10n\",\"NaN\"]",
                "debug [\"%s=%d\",\"x\",3]",
                "responded 203",
                "ended ok");

        RecordingObserver thrown = new RecordingObserver();
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/throw", List.of(), null),
                new InvocationOptions(InvocationLimits.defaults(), "", java.util.Optional.empty(), thrown))));
        thrown.ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(thrown.calls).endsWith("exception RangeError: out of range", "ended exception");
    }

    @Test
    void an_error_of_megabytes_leaves_the_isolate_cut_to_a_few_kilobytes() throws Exception {
        Worker w = load(Engines.module("""
                export default { fetch(request) {
                  const e = new Error('m'.repeat(4_000_000));
                  e.name = 'N'.repeat(100_000);
                  if (request.url.endsWith('/string')) throw 's'.repeat(4_000_000);
                  throw e;
                } };"""));
        for (String path : List.of("/error", "/string")) {
            RecordingObserver observed = new RecordingObserver();
            assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x" + path, List.of(), null),
                    new InvocationOptions(InvocationLimits.defaults(), "", java.util.Optional.empty(), observed))))
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeBetween(16 * 1024, 17 * 1024 + 300));
            observed.ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(observed.calls).filteredOn(c -> c.startsWith("exception ")).singleElement()
                    .satisfies(c -> assertThat(c).hasSizeLessThan(17 * 1024 + 300).contains("…"));
        }
    }

    @Test
    void values_an_observer_gets_count_against_the_log_limit() throws Exception {
        Worker w = load(Engines.module("""
                export default { fetch() {
                  const big = [[[[new Array(5000).fill('x'.repeat(50))]]]];
                  console.log('deep', big);
                  console.log('after');
                  return new Response('ok');
                } };"""));
        RecordingObserver observed = new RecordingObserver();
        get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationOptions(new InvocationLimits(1000, 10, 10_000, 64 * 1024), "", java.util.Optional.empty(), observed)));
        observed.ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
        // The printed line is short (nesting is elided), but its values are ~250 KB: over the 64 KB limit.
        assertThat(observed.calls).noneMatch(c -> c.length() > 64 * 1024);
        assertThat(observed.calls).anyMatch(c -> c.contains("Log size limit exceeded"));
        assertThat(observed.calls).noneMatch(c -> c.contains("after"));
    }

    @Test
    void pass_through_on_exception_fetches_the_origin() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) { ctx.passThroughOnException(); throw new Error('oops'); } };"""), host);
        assertThat(text(get(w, "http://origin.test/a"))).isEqualTo("GET http://origin.test/a ");
    }

    @Test
    void pass_through_on_exception_sends_the_request_body_on() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = load(Engines.module("""
                export default { fetch(request, env, ctx) { ctx.passThroughOnException(); throw new Error('oops'); } };"""), host);
        WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://origin.test/a", List.of(),
                "data".getBytes(StandardCharsets.UTF_8))));
        assertThat(text(r)).isEqualTo("POST http://origin.test/a data");
        assertThat(text(get(w.fetch(new WorkerRequest("POST", "http://origin.test/b", List.of(), new byte[0])))))
                .isEqualTo("POST http://origin.test/b ");
    }

    @Test
    void bodies_without_bytes_reach_the_worker_as_null_and_read_as_empty() {
        Engines.RecordingHost host = new Engines.RecordingHost() {
            @Override
            public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
                return request.url().endsWith("/empty")
                        ? CompletableFuture.completedFuture(new WorkerResponse(200, "OK", List.of("x-empty", "1"), new byte[0]))
                        : super.fetch(request);
            }
        };
        Worker w = load(Engines.modules("w.js", List.of(esm("w.js", """
                export default { async fetch(request, env) {
                  const out = [request.body === null, await request.text(), request.bodyUsed];
                  const empty = await fetch('https://origin.test/empty');
                  out.push(empty.body === null, empty.headers.get('x-empty'), (await empty.arrayBuffer()).byteLength);
                  const full = await fetch('https://origin.test/full');
                  out.push(full.body !== null, await full.text());
                  const none = await env.ECHO.echo('a');
                  const some = await env.ECHO.echo('b', new Uint8Array([7, 8]));
                  out.push(none.bytes, Array.from(some.bytes));
                  return Response.json(out);
                } };""")), List.of(new Binding.Channel("ECHO", "test-echo", 0, "{}"))), host);
        assertThat(text(get(w.fetch(new WorkerRequest("POST", "http://x/", List.of(), new byte[0])))))
                .isEqualTo("[true,\"\",false,true,\"1\",0,true,\"GET https://origin.test/full \",null,[7,8]]");
        assertThat(text(get(w.fetch(new WorkerRequest("PUT", "http://x/", List.of(), "abc".getBytes(StandardCharsets.UTF_8))))))
                .startsWith("[false,\"abc\",true,");
    }

    @Test
    void dispatch_binding_lazy_and_eager_not_found() {
        String dispatcher = """
                export default { async fetch(request, env) {
                  try {
                    const name = new URL(request.url).searchParams.get('to');
                    const stub = env.DISPATCHER.get(name);
                    const r = await stub.fetch(request);
                    return new Response(await r.text());
                  } catch (e) {
                    return new Response('caught:' + e.message);
                  }
                } };""";
        Worker modern = load(Engines.modules("d.js", List.of(esm("d.js", dispatcher)),
                List.of(new Binding.Channel("DISPATCHER", "test-dispatch", 0, "{}"))));
        assertThat(text(get(modern, "http://x/?to=known"))).isEqualTo("dispatched to known");
        assertThat(text(get(modern, "http://x/?to=missing"))).isEqualTo("caught:Worker not found.");

        Worker launch = load(new WorkerSource("d", "d.js", List.of(esm("d.js", dispatcher)), "2022-05-01", List.of(),
                List.of(new Binding.Channel("DISPATCHER", "test-dispatch", 0, "{}"))));
        assertThat(text(get(launch, "http://x/?to=missing"))).isEqualTo("caught:Error: Worker not found.");
    }

    @Test
    void deep_recursion_is_a_range_error_not_a_crash() {
        Worker w = load(Engines.module("""
                function down(n) { return down(n + 1) + 1; }
                export default { fetch() { try { down(0); } catch (e) { return new Response(e.constructor.name); } } };"""));
        assertThat(text(get(w, "http://x/"))).isEqualTo("RangeError");
    }

    @Test
    void responds_with_a_stream_and_reads_a_request_body_as_a_stream() {
        Worker w = load(Engines.module("""
                export default { async fetch(request) {
                  const reader = request.body.getReader();
                  let total = 0;
                  for (;;) { const { done, value } = await reader.read(); if (done) break; total += value.length; }
                  const { readable, writable } = new TransformStream();
                  const writer = writable.getWriter();
                  const encoder = new TextEncoder();
                  (async () => {
                    for (const part of ['got ', String(total), ' bytes']) await writer.write(encoder.encode(part));
                    await writer.close();
                  })();
                  return new Response(readable, { headers: { 'content-type': 'text/plain' } });
                } };"""));
        WorkerResponse r = get(w.fetch(new WorkerRequest("POST", "http://x/", List.of(), new byte[12345])));
        assertThat(text(r)).isEqualTo("got 12345 bytes");
    }

    @Test
    void module_state_persists_across_requests_of_one_isolate() {
        Worker w = load(Engines.module("let n = 0; export default { fetch() { n++; return new Response(String(n)); } };"));
        get(w, "http://x/");
        assertThat(text(get(w, "http://x/"))).isEqualTo("2");
    }

    @Test
    void many_concurrent_invocations_interleave_on_one_isolate() {
        // The slow invocation waits on a subrequest the test answers only after the fast one is done.
        CompletableFuture<WorkerResponse> held = new CompletableFuture<>();
        Engines.RecordingHost host = new Engines.RecordingHost() {
            @Override
            public CompletableFuture<WorkerResponse> fetch(WorkerRequest request) {
                return request.url().endsWith("/held") ? held : super.fetch(request);
            }
        };
        Worker w = Engines.get(Engines.ENGINE.load(Engines.module("""
                export default { async fetch(request) {
                  const slow = new URL(request.url).searchParams.has('slow');
                  if (slow) await (await fetch('https://origin.test/held')).text();
                  return new Response(slow ? 'slow' : 'fast');
                } };"""), host));
        var slow = w.fetch(new WorkerRequest("GET", "http://x/?slow", List.of(), null));
        var fast = w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null));
        assertThat(text(get(fast))).isEqualTo("fast");
        assertThat(slow).isNotDone();
        held.complete(WorkerResponse.text(200, "answer"));
        assertThat(text(get(slow))).isEqualTo("slow");
    }

    @Test
    void an_unload_ends_every_invocation_and_closes_the_isolate_when_the_host_fails_to_take_a_record() throws Exception {
        // The host (a live tail's socket closing meanwhile, say) throws where it takes the record
        // of an ended invocation: the unload still ends the others and closes the isolate.
        Engines.RecordingHost failing = new Engines.RecordingHost() {
            @Override
            public void invocationEnded(InvocationRecord record) {
                throw new IllegalStateException("the tail's socket is closed");
            }
        };
        Worker w = load(Engines.module("""
                export default { fetch() { return new Promise((resolve) => setTimeout(() => resolve(new Response('late')), 50_000)); } };"""),
                failing);
        List<CompletableFuture<WorkerResponse>> waiting = List.of(w.fetch(new WorkerRequest("GET", "http://x/1", List.of(), null)),
                w.fetch(new WorkerRequest("GET", "http://x/2", List.of(), null)));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (w.invocationCount() < 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        w.close();
        for (CompletableFuture<WorkerResponse> f : waiting) {
            assertThatThrownBy(() -> get(f)).isInstanceOf(InvocationException.class).hasMessageContaining("unloaded");
        }
        w.whenClosed().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void a_call_that_fails_inside_the_server_tells_the_worker_nothing_of_the_servers_own_text() {
        // An answer meant for the worker is an InvocationException; anything else (a file path, a
        // database's message, a class name) stays in the server's log.
        Engines.RecordingHost failing = new Engines.RecordingHost() {
            @Override
            public CompletableFuture<ChannelReply> call(ChannelCall call) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot read blob /var/lib/tenantd/blobs/ab/cd"));
            }
        };
        Worker w = load(Engines.modules("w.js", List.of(esm("w.js", """
                export default { async fetch(request, env) {
                  try { await env.ECHO.echo('x'); return new Response('answered'); }
                  catch (e) { return new Response(e.name + ': ' + e.message); }
                } };""")), List.of(new Binding.Channel("ECHO", "test-echo", 7, "{}"))), failing);
        assertThat(text(get(w, "http://x/"))).isEqualTo("Error: The call failed with an internal error.");
    }
}

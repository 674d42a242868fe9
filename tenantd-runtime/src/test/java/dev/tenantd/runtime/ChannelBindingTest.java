package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bindings as the runtime sees them: values copied in, and channels whose calls reach the
 * host through the JS wrapper registered for their kind (the test kinds of {@link Engines}).
 */
class ChannelBindingTest {

    private static Worker worker(String code, List<Binding> bindings) {
        return load(Engines.modules("w.js", List.of(esm("w.js", code)), bindings));
    }

    private static Worker worker(String code, List<Binding> bindings, Engines.RecordingHost host) {
        return Engines.get(Engines.ENGINE.load(Engines.modules("w.js", List.of(esm("w.js", code)), bindings), host));
    }

    @Test
    void values_arrive_as_strings_and_json() {
        Worker w = worker("""
                export default { fetch(request, env) {
                  return Response.json({ name: env.NAME, config: env.CONFIG, type: typeof env.NAME });
                } };""", List.of(Binding.text("NAME", "a \"quoted\" name"), new Binding.Value("CONFIG", "{\"n\":[1,2]}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("{\"name\":\"a \\\"quoted\\\" name\",\"config\":{\"n\":[1,2]},\"type\":\"string\"}");
    }

    @Test
    void a_data_call_carries_operation_channel_args_and_exactly_the_given_bytes_both_ways() {
        Worker w = worker("""
                export default { async fetch(request, env) {
                  const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
                  const withBytes = await env.ECHO.echo('{"k":1}', big.subarray(2, 5));
                  const without = await env.ECHO.echo('plain');
                  return Response.json({
                    text: withBytes.text, bytes: Array.from(withBytes.bytes), isView: withBytes.bytes instanceof Uint8Array,
                    noBytes: without.bytes, config: env.ECHO.config,
                  });
                } };""", List.of(new Binding.Channel("ECHO", "test-echo", 7, "{\"id\":\"abc\"}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo(
                "{\"text\":\"echo:7:{\\\"k\\\":1}\",\"bytes\":[1,2,3],\"isView\":true,\"noBytes\":null,\"config\":{\"id\":\"abc\"}}");
    }

    @Test
    void an_unnamed_channel_is_not_on_env_and_its_wrapper_installs_globals_over_it() {
        Worker w = worker("""
                export default { async fetch(request, env) {
                  return Response.json({ keys: Object.keys(env), answer: (await platformEcho('hi')).text });
                } };""", List.of(Binding.text("NAME", "v"), Binding.unnamed("test-global", 3, "{}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("{\"keys\":[\"NAME\"],\"answer\":\"echo:3:hi\"}");
    }

    @Test
    void a_host_failure_rejects_with_the_error_type_the_host_names_and_unknown_names_become_error() {
        Worker w = worker("""
                export default { async fetch(request, env) {
                  const out = [];
                  for (const name of ['TypeError', 'RangeError', 'NoSuchError']) {
                    try { await env.ECHO.echo(name); } catch (e) { out.push(`${e.constructor.name}: ${e.message}`); }
                  }
                  return new Response(out.join('|'));
                } };""".replace("env.ECHO.echo(name)", "env.ECHO.fail(name)"),
                List.of(new Binding.Channel("ECHO", "test-fail", 0, "{}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError: refused|RangeError: refused|Error: refused");
    }

    @Test
    void a_call_answered_at_once_returns_its_string_or_throws_the_named_error() {
        Worker w = worker("""
                export default { fetch(request, env) {
                  let thrown;
                  try { env.ECHO.nowFail('x'); } catch (e) { thrown = `${e.constructor.name}: ${e.message}`; }
                  return new Response(env.ECHO.now('hello') + '|' + thrown);
                } };""", List.of(new Binding.Channel("ECHO", "test-fail", 0, "{}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("now:hello|RangeError: out of range: x");
    }

    @Test
    void channel_calls_count_as_subrequests_and_are_refused_past_the_limit() {
        Engines.RecordingHost host = new Engines.RecordingHost();
        Worker w = worker("""
                export default { async fetch(request, env) {
                  const out = [];
                  for (let i = 0; i < 3; i++) {
                    try { out.push((await env.ECHO.echo(String(i))).text); } catch (e) { out.push(e.message); }
                  }
                  return new Response(out.join('|'));
                } };""", List.of(new Binding.Channel("ECHO", "test-echo", 0, "{}")), host);
        WorkerResponse r = get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null),
                new InvocationLimits(1000, 2, 10_000, 64 * 1024)));
        assertThat(text(r)).isEqualTo("echo:0:0|echo:0:1|Too many subrequests.");
    }

    @Test
    void calls_from_top_level_code_are_refused_as_on_workers() {
        // Service-worker syntax: bindings are globals, reachable while the script starts.
        String code = """
                const early = ECHO.echo('early').then(() => 'answered', (e) => e.message);
                addEventListener('fetch', (event) => event.respondWith((async () => {
                  const late = (await ECHO.echo('late')).text;
                  return new Response((await early) + '|' + late);
                })()));""";
        Worker w = load(new WorkerSource("sw", "sw.js", List.of(new WorkerModule("sw.js", ModuleType.SERVICE_WORKER,
                code.getBytes(java.nio.charset.StandardCharsets.UTF_8))), CompatibilityFlags.DEFAULT_DATE, List.of(),
                List.of(new Binding.Channel("ECHO", "test-echo", 0, "{}"))));
        assertThat(text(get(w, "http://x/"))).startsWith("Disallowed operation called within global scope")
                .endsWith("|echo:0:late");
    }

    @Test
    void a_fetcher_cannot_be_made_by_the_worker_over_another_channel() {
        Worker w = worker("""
                export default { async fetch(request, env) {
                  const Fetcher = env.SVC.constructor;
                  try { new Fetcher(1, 'dispatch', 'known'); return new Response('made'); }
                  catch (e) { return new Response(`${e.name}: ${e.message}`); }
                } };""", List.of(new Binding.Channel("SVC", "fetcher", 0, "{}"), new Binding.Channel("NS", "test-dispatch", 1, "{}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError: Illegal constructor");
    }

    @Test
    void a_service_fetcher_sends_the_request_over_its_channel() {
        Worker w = worker("""
                export default { async fetch(request, env) {
                  return new Response(await (await env.SVC.fetch('https://svc.test/p')).text());
                } };""", List.of(new Binding.Channel("SVC", "fetcher", 3, "{}")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("service 3 https://svc.test/p");
    }

    @Test
    void a_channel_of_a_kind_without_a_wrapper_fails_the_load_with_a_clear_message() {
        assertThatThrownBy(() -> worker("export default { fetch() { return new Response('x'); } };",
                List.of(new Binding.Channel("KV", "no-such-kind", 0, "{}"))))
                .hasMessageContaining("no wrapper is registered for binding kind 'no-such-kind'");
    }
}

package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's code cache is completed by serving: isolates start from a cache that holds
 * what a request compiles, not only what start-up ran.
 */
class RuntimeWarmUpTest {
    private static final RuntimeScripts.Bootstrap BOOTSTRAP = RuntimeScripts.bootstrap(List.of(Engines.TEST_KINDS));

    @Test
    void the_warm_up_worker_answers_its_requests_and_the_cache_it_leaves_holds_more_than_start_up_compiled()
            throws Exception {
        byte[] compiled = IsolateShell.codeCache(BOOTSTRAP.source());
        // Throws unless every warm-up request was answered with a 2xx.
        byte[] warmed = RuntimeWarmUp.codeCache(Engines.ENGINE, Engines.ENGINE.newMailbox(), BOOTSTRAP, compiled);
        assertThat(warmed.length)
                .as("the functions serving compiled are in the cache besides those start-up ran")
                .isGreaterThan(compiled.length + 16 * 1024);
    }

    @Test
    void the_engine_starts_isolates_from_the_completed_cache() throws Exception {
        byte[] compiled = IsolateShell.codeCache(BOOTSTRAP.source());
        assertThat(Engines.ENGINE.runtimeCodeCache()).isNotNull();
        assertThat(Engines.ENGINE.runtimeCodeCache().length).isGreaterThan(compiled.length + 16 * 1024);

        Worker worker = Engines.load(Engines.module("""
                export default { async fetch(request) {
                  const url = new URL(request.url);
                  return Response.json({ path: url.pathname, id: url.searchParams.get('id') });
                } };"""));
        assertThat(text(get(worker, "http://x/a/b?id=7"))).isEqualTo("{\"path\":\"/a/b\",\"id\":\"7\"}");
        worker.close();
    }

    @Test
    void the_warm_up_worker_leaves_nothing_in_the_isolates_of_workers() {
        // Its module state, and its script name, exist only in the isolate that was closed.
        Worker worker = Engines.load(Engines.module("""
                export default { fetch() {
                  return new Response(typeof counts + ' ' + typeof answer + ' ' + (globalThis.counts === undefined));
                } };"""));
        assertThat(text(get(worker, "http://x/"))).isEqualTo("undefined undefined true");
        worker.close();
    }

    @Test
    void top_level_await_settles_during_start_up_and_one_that_cannot_is_refused() {
        Worker worker = Engines.load(Engines.module("""
                const value = await Promise.resolve(20).then((x) => x + 1);
                const doubled = await (async () => value * 2)();
                export default { fetch() { return new Response(String(doubled)); } };"""));
        assertThat(text(get(worker, "http://x/"))).isEqualTo("42");
        worker.close();

        assertThatThrownBy(() -> Engines.load(Engines.module("""
                await new Promise(() => {});
                export default { fetch() { return new Response('never'); } };""")))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("top-level await is still waiting at the end of start-up");
    }
}

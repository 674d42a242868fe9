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
 * The Node.js compatibility flags: which {@code node:*} modules and globals a worker gets at its
 * compatibility date and flags, as workerd decides. The modules' behaviour is tested by the
 * {@code js-tests/node-*-test.js} suites.
 */
class NodeCompatTest {

    private static Worker worker(String date, List<String> flags, WorkerModule... modules) {
        return load(new WorkerSource("test-worker", modules[0].name(), List.of(modules), date, flags,
                List.of(Binding.text("GREETING", "hello"), new Binding.Value("CONFIG", "{\"plan\":\"pro\"}"))));
    }

    private static String answer(String date, List<String> flags, String code) {
        return text(get(worker(date, flags, esm("w.js", code)), "http://x/"));
    }

    @Test
    void node_modules_are_refused_without_nodejs_compat_naming_the_flag() {
        assertThatThrownBy(() -> worker("2026-12-01", List.of(), esm("w.js", """
                import { Buffer } from 'node:buffer';
                export default { fetch() { return new Response(Buffer.from('x').toString('hex')); } };""")))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("No such module \"node:buffer\"")
                .hasMessageContaining("nodejs_compat");
        assertThatThrownBy(() -> worker("2026-12-01", List.of(), esm("w.js", """
                import { Buffer } from 'buffer';
                export default { fetch() { return new Response('x'); } };""")))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("No such module \"buffer\"");
        assertThat(answer("2026-12-01", List.of(), """
                export default { fetch() {
                  return new Response([typeof Buffer, typeof process, typeof setImmediate, typeof global].join());
                } };""")).isEqualTo("undefined,undefined,undefined,undefined");
    }

    @Test
    void with_nodejs_compat_today_buffer_process_and_global_are_globals_and_bare_names_resolve() {
        assertThat(answer("2026-12-01", List.of("nodejs_compat"), """
                import { Buffer as B } from 'buffer';
                import nodeProcess from 'node:process';
                export default { fetch() {
                  return new Response([Buffer === B, process === nodeProcess, global === globalThis,
                    typeof setImmediate, process.env.GREETING, process.env.CONFIG].join());
                } };""")).isEqualTo("true,true,true,function,hello,");
    }

    @Test
    void before_the_v2_date_nodejs_compat_gives_prefixed_modules_only() {
        assertThat(answer("2024-06-01", List.of("nodejs_compat"), """
                import { Buffer } from 'node:buffer';
                export default { fetch() {
                  return new Response([Buffer.from('hi').toString('hex'), typeof globalThis.Buffer, typeof process,
                    typeof setImmediate].join());
                } };""")).isEqualTo("6869,undefined,undefined,undefined");
        assertThatThrownBy(() -> worker("2024-06-01", List.of("nodejs_compat"), esm("w.js", """
                import { Buffer } from 'buffer';
                export default { fetch() { return new Response('x'); } };""")))
                .hasMessageContaining("No such module \"buffer\"");
        assertThat(answer("2024-06-01", List.of("nodejs_compat", "nodejs_compat_v2"), """
                import { Buffer } from 'buffer';
                export default { fetch() { return new Response(String(globalThis.Buffer === Buffer)); } };"""))
                .isEqualTo("true");
    }

    @Test
    void process_env_is_filled_from_text_bindings_from_its_date_or_flag() {
        String code = "export default { fetch() { return new Response(String(process.env.GREETING)); } };";
        assertThat(answer("2025-01-01", List.of("nodejs_compat"), code)).isEqualTo("undefined");
        assertThat(answer("2025-04-01", List.of("nodejs_compat"), code)).isEqualTo("hello");
        assertThat(answer("2025-01-01", List.of("nodejs_compat", "nodejs_compat_populate_process_env"), code))
                .isEqualTo("hello");
        assertThat(answer("2025-04-01", List.of("nodejs_compat", "nodejs_compat_do_not_populate_process_env"), code))
                .isEqualTo("undefined");
    }

    @Test
    void modules_enabled_by_date_are_refused_before_it_with_their_flag_named() {
        String code = """
                import { readFileSync } from 'node:fs';
                export default { fetch() { return new Response(typeof readFileSync); } };""";
        assertThatThrownBy(() -> worker("2025-01-01", List.of("nodejs_compat"), esm("w.js", code)))
                .hasMessageContaining("No such module \"node:fs\"")
                .hasMessageContaining("enable_nodejs_fs_module");
        assertThat(answer("2025-01-01", List.of("nodejs_compat", "enable_nodejs_fs_module"), code)).isEqualTo("function");
        assertThat(answer("2025-09-15", List.of("nodejs_compat"), code)).isEqualTo("function");
    }

    @Test
    void nodejs_als_alone_gives_async_hooks_only() {
        assertThat(answer("2026-12-01", List.of("nodejs_als"), """
                import { AsyncLocalStorage } from 'node:async_hooks';
                const als = new AsyncLocalStorage();
                export default { fetch() { return new Response(als.run('s', () => als.getStore()) + typeof Buffer); } };"""))
                .isEqualTo("sundefined");
        assertThatThrownBy(() -> worker("2026-12-01", List.of("nodejs_als"), esm("w.js", """
                import { Buffer } from 'node:buffer';
                export default { fetch() { return new Response('x'); } };""")))
                .hasMessageContaining("No such module \"node:buffer\"");
    }

    @Test
    void async_local_storage_keeps_each_request_in_its_own_store_across_await() {
        Worker worker = worker("2026-12-01", List.of("nodejs_als"), esm("w.js", """
                import { AsyncLocalStorage } from 'node:async_hooks';
                const als = new AsyncLocalStorage();
                let release;
                const gate = new Promise((resolve) => { release = resolve; });
                export default {
                  async fetch(request) {
                    const url = new URL(request.url);
                    const id = url.searchParams.get('id');
                    const before = String(als.getStore());
                    if (url.searchParams.has('enter')) {
                      als.enterWith('entered-' + id);
                      await null;
                      return new Response(before + ',' + als.getStore());
                    }
                    return als.run(id, async () => {
                      if (url.searchParams.has('release')) release();
                      else await gate;
                      await Promise.resolve();
                      return new Response(before + ',' + als.getStore());
                    });
                  },
                };"""));
        // a waits for a promise that b's request settles: a's code after the await still runs in a's store.
        var a = worker.fetch(new WorkerRequest("GET", "http://x/?id=a", List.of(), null));
        assertThat(text(get(worker, "http://x/?id=e&enter"))).isEqualTo("undefined,entered-e");
        assertThat(text(get(worker, "http://x/?id=b&release"))).isEqualTo("undefined,b");
        assertThat(text(Engines.get(a))).isEqualTo("undefined,a");
        // What enterWith() set in one request is gone at the next.
        assertThat(text(get(worker, "http://x/?id=c&enter"))).isEqualTo("undefined,entered-c");
        assertThat(text(get(worker, "http://x/?id=d"))).isEqualTo("undefined,d");
    }

    @Test
    void an_uploaded_module_named_like_a_node_module_comes_first() {
        Worker w = worker("2026-12-01", List.of("nodejs_compat"),
                esm("w.js", """
                        import { mine } from 'events';
                        import EventEmitter from 'node:events';
                        export default { fetch() { return new Response(mine + ' ' + typeof EventEmitter); } };"""),
                esm("events", "export const mine = 'uploaded';"));
        assertThat(text(get(w, "http://x/"))).isEqualTo("uploaded function");
    }

    @Test
    void the_flags_nodejs_compat_implies_follow_the_date_and_can_be_turned_off() {
        assertThat(CompatibilityFlags.resolveJson("2024-09-22", List.of("nodejs_compat")))
                .contains("\"nodejs_compat\":true", "\"nodejs_compat_v2\":false");
        assertThat(CompatibilityFlags.resolveJson("2024-09-23", List.of("nodejs_compat")))
                .contains("\"nodejs_compat_v2\":true", "\"enable_nodejs_fs_module\":false");
        assertThat(CompatibilityFlags.resolveJson("2026-12-01", List.of("nodejs_compat", "disable_nodejs_fs_module")))
                .contains("\"enable_nodejs_fs_module\":false", "\"enable_nodejs_os_module\":true",
                        "\"enable_nodejs_http_server_modules\":true");
        assertThat(CompatibilityFlags.resolveJson("2026-12-01", List.of()))
                .contains("\"nodejs_compat\":false", "\"nodejs_compat_v2\":false", "\"enable_nodejs_http_modules\":false");
    }
}

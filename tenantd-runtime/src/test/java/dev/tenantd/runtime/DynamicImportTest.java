package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code import()} in ES-module workers: lazy, once per module, resolved like a static import. */
class DynamicImportTest {

    private static WorkerSource worker(List<String> flags, WorkerModule... modules) {
        return new WorkerSource("test-worker", modules[0].name(), List.of(modules), "2026-12-01", flags, List.of());
    }

    private static WorkerSource worker(WorkerModule... modules) {
        return worker(List.of(), modules);
    }

    @Test
    void a_module_is_evaluated_when_first_imported_and_only_once() {
        Worker w = load(worker(
                esm("w.js", """
                        import { log } from './log.js';
                        export default { async fetch() {
                          log.push('before');
                          const first = await import('./lazy.js');
                          const again = await import('./lazy.js');
                          return new Response(`${log.join(',')} ${first === again} ${first.value}`);
                        } };"""),
                esm("log.js", "export const log = [];"),
                esm("lazy.js", "import { log } from './log.js'; log.push('lazy evaluated'); export const value = 42;")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("before,lazy evaluated true 42");
        assertThat(text(get(w, "http://x/"))).isEqualTo("before,lazy evaluated,before true 42");
    }

    @Test
    void the_namespace_is_the_one_a_static_import_of_the_same_module_gets() {
        Worker w = load(worker(
                esm("w.js", """
                        import * as shared from './lib/shared.js';
                        import { viaNested } from './lib/nested.js';
                        export default { async fetch() {
                          return new Response(`${(await import('./lib/shared.js')) === shared} ${(await viaNested()) === shared}`);
                        } };"""),
                esm("lib/nested.js", "export const viaNested = () => import('./shared.js');"),
                esm("lib/shared.js", "export const count = globalThis.count = (globalThis.count ?? 0) + 1;")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("true true");
    }

    @Test
    void top_level_await_of_import_works_at_start_up_and_in_the_imported_module() {
        Worker w = load(worker(
                esm("w.js", """
                        const { value } = await import('./tla.js');
                        export default { fetch() { return new Response(String(value)); } };"""),
                esm("tla.js", "export const value = await Promise.resolve('awaited');")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("awaited");
    }

    @Test
    void a_module_that_imports_its_importer_back_is_linked_to_the_evaluated_importer() {
        Worker w = load(worker(
                esm("w.js", """
                        export const greeting = 'hello';
                        export default { async fetch() { return new Response((await import('./back.js')).echo()); } };"""),
                esm("back.js", "import { greeting } from './w.js'; export const echo = () => `${greeting} back`;")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("hello back");
    }

    @Test
    void node_builtins_need_nodejs_compat_as_with_a_static_import() {
        WorkerModule main = esm("w.js", """
                export default { async fetch() {
                  try {
                    const { Buffer } = await import('node:buffer');
                    return new Response(Buffer.from('hi').toString('hex'));
                  } catch (e) {
                    return new Response(`${e.constructor.name}: ${e.message}`);
                  }
                } };""");
        assertThat(text(get(load(worker(List.of(CompatibilityFlags.NODEJS_COMPAT), main)), "http://x/"))).isEqualTo("6869");
        assertThat(text(get(load(worker(main)), "http://x/")))
                .startsWith("Error: No such module \"node:buffer\": ").contains("nodejs_compat");
    }

    @Test
    void failures_to_compile_link_or_evaluate_reject_the_call_and_not_the_start_up() {
        Worker w = load(worker(
                esm("w.js", """
                        const outcome = (p) => p.then(() => 'fulfilled', (e) => `${e.constructor.name}: ${e.message}`);
                        export default { async fetch(request) {
                          const which = new URL(request.url).pathname.slice(1);
                          return new Response(await outcome(import(`./${which}.js`)));
                        } };"""),
                esm("broken.js", "export const x = ;"),
                esm("unlinked.js", "import { nothing } from './throws.js';"),
                esm("missing-dependency.js", "import './nowhere.js';"),
                esm("throws.js", "throw new RangeError('at evaluation');")));
        assertThat(text(get(w, "http://x/broken"))).startsWith("SyntaxError: ").contains("broken.js:1:");
        assertThat(text(get(w, "http://x/unlinked"))).startsWith("SyntaxError: ").contains("nothing");
        assertThat(text(get(w, "http://x/missing-dependency")))
                .isEqualTo("Error: No such module \"./nowhere.js\" imported from \"missing-dependency.js\"");
        assertThat(text(get(w, "http://x/throws"))).isEqualTo("RangeError: at evaluation");
        assertThat(text(get(w, "http://x/throws"))).as("the same error again").isEqualTo("RangeError: at evaluation");
        assertThat(text(get(w, "http://x/absent"))).isEqualTo("Error: No such module \"./absent.js\" imported from \"w.js\"");
    }

    @Test
    void a_module_that_failed_in_another_graph_rejects_with_its_error_and_concurrent_imports_share_one_evaluation() {
        Worker w = load(worker(
                esm("w.js", """
                        const outcome = (p) => p.then(() => 'fulfilled', (e) => `${e.constructor.name}: ${e.message}`);
                        export default { async fetch() {
                          const viaOther = await outcome(import('./via.js'));
                          const direct = await outcome(import('./fails.js'));
                          const [a, b] = await Promise.all([import('./slow.js'), import('./slow.js')]);
                          return new Response(`${viaOther} | ${direct} | ${a === b} ${a.value}`);
                        } };"""),
                esm("via.js", "import './fails.js';"),
                esm("fails.js", "throw new TypeError('in fails.js');"),
                esm("slow.js", "export const value = await new Promise((resolve) => setTimeout(() => resolve('late'), 5));")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError: in fails.js | TypeError: in fails.js | true late");
    }

    @Test
    void positions_in_stack_traces_do_not_move() {
        String code = """
                export default { async fetch() {
                  const lib = await import('./lib.js'); const e = new Error('where');
                  return new Response(e.stack + '\\n' + lib.fail());
                } };""";
        String lib = "export function fail() {\n  return import('./none.js') && new Error('inner').stack;\n}\n";
        Worker w = load(worker(esm("w.js", code), esm("lib.js", lib)));
        String stack = text(get(w, "http://x/"));
        String line = code.lines().toList().get(1);
        assertThat(stack).contains("w.js:2:" + (line.indexOf("new Error") + 1));
        String libLine = lib.lines().toList().get(1);
        assertThat(stack).contains("lib.js:2:" + (libLine.indexOf("new Error") + 1));
    }

    @Test
    void the_name_the_rewrite_introduces_is_none_the_module_uses() {
        Worker w = load(worker(
                esm("w.js", """
                        const $00000 = 'mine';
                        const \\u{24}00001 = 'mine too';
                        export default { async fetch() {
                          const lib = await import('./lib.js');
                          return new Response(`${$00000} ${$00001} ${lib.value}`);
                        } };"""),
                esm("lib.js", "export const value = 'lib';")));
        assertThat(text(get(w, "http://x/"))).isEqualTo("mine mine too lib");
    }

    @Test
    void text_data_and_json_modules_are_importable() {
        Worker w = load(worker(
                esm("w.js", """
                        export default { async fetch() {
                          const text = await import('./note.txt');
                          const json = await import('./data.json');
                          return new Response(`${text.default} ${json.default.a}`);
                        } };"""),
                new WorkerModule("note.txt", ModuleType.TEXT, "a note".getBytes()),
                new WorkerModule("data.json", ModuleType.JSON, "{\"a\": 7}".getBytes())));
        assertThat(text(get(w, "http://x/"))).isEqualTo("a note 7");
    }

    @Test
    void a_service_worker_script_cannot_import() {
        Worker w = load(Engines.serviceWorker("""
                addEventListener('fetch', (event) => event.respondWith(
                  import('cloudflare:sockets').then(() => new Response('imported'), (e) => new Response(`rejected: ${e.message}`))));"""));
        assertThat(text(get(w, "http://x/"))).startsWith("rejected: ");
    }

    @Test
    void a_started_worker_lets_go_of_the_text_of_what_it_compiled_and_keeps_what_only_import_can_reach()
            throws InterruptedException {
        ReferenceQueue<byte[]> collected = new ReferenceQueue<>();
        WeakReference<byte[]>[] texts = new WeakReference[2];
        Worker w = loadAndWatch(collected, texts);
        assertThat(awaitCollected(collected)).as("the compiled main module's text is collected").isSameAs(texts[0]);
        assertThat(texts[1].get()).as("the text of a module only import() reaches is kept").isNotNull();
        assertThat(text(get(w, "http://x/"))).isEqualTo("main later");
        assertThat(awaitCollected(collected)).as("once imported, its text is collected too").isSameAs(texts[1]);
    }

    /** Loads a worker whose modules' texts only {@code texts} (weakly) and the worker refer to. */
    private static Worker loadAndWatch(ReferenceQueue<byte[]> collected, WeakReference<byte[]>[] texts) {
        WorkerModule main = esm("w.js", """
                export default { async fetch() { return new Response(`main ${(await import('./later.js')).name}`); } };""");
        WorkerModule later = esm("later.js", "export const name = 'later';");
        texts[0] = new WeakReference<>(main.content(), collected);
        texts[1] = new WeakReference<>(later.content(), collected);
        return load(worker(main, later));
    }

    /** Collects until some watched text is collected (at most 30 s), and returns its reference. */
    private static Reference<? extends byte[]> awaitCollected(ReferenceQueue<byte[]> collected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            System.gc();
            Reference<? extends byte[]> ref = collected.remove(100);
            if (ref != null) {
                return ref;
            }
        }
        return null;
    }
}

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
 * WebAssembly modules uploaded with a worker: imported as compiled modules, instantiated by the
 * worker, their memories counted against the isolate's memory limit (128 MB in tests) however
 * they grow.
 */
class WasmModulesTest {
    private static final long MB = 1024 * 1024;

    private static Worker withModule(String code, byte[] wasm) {
        return load(Engines.modules("worker.js", List.of(esm("worker.js", code),
                new WorkerModule("lib.wasm", ModuleType.WASM, wasm)), List.of()));
    }

    /**
     * Requests {@code w} until one ends as over the memory limit or the isolate is discarded (as
     * over it) after answering, each answer as {@code expected} says for its number; asserts
     * that the process did not take far more than the limit meanwhile. Returns the requests served.
     */
    private static int servedUntilOverTheLimit(Worker w, int requests, java.util.function.IntFunction<String> expected) {
        long rssBefore = ResidentMemory.bytes();
        Outcome ended = null;
        int served = 0;
        for (int i = 1; i <= requests && ended == null; i++) {
            try {
                assertThat(text(get(w, "http://x/"))).isEqualTo(expected.apply(i));
                served++;
            } catch (InvocationException e) {
                ended = e.outcome();
            }
            if (ended == null && !w.isAlive()) {
                ended = Outcome.EXCEEDED_MEMORY;
            }
        }
        assertThat(ended).as("after " + served + " requests").isEqualTo(Outcome.EXCEEDED_MEMORY);
        assertThat(ResidentMemory.bytes() - rssBefore).as("memory the process took").isLessThan(192 * MB);
        w.close();
        return served;
    }

    private static Worker withModules(String code, byte[] lib, byte[] other) {
        return load(Engines.modules("worker.js", List.of(esm("worker.js", code),
                new WorkerModule("lib.wasm", ModuleType.WASM, lib), new WorkerModule("other.wasm", ModuleType.WASM, other)),
                List.of()));
    }

    @Test
    void an_uploaded_module_is_imported_compiled_and_instantiated_both_ways() {
        Worker w = withModule("""
                import adder from './lib.wasm';
                const imports = { env: { double: (x) => x * 2 } };
                const first = new WebAssembly.Instance(adder, imports);
                export default { async fetch() {
                  const second = await WebAssembly.instantiate(adder, imports);
                  const exports = WebAssembly.Module.exports(adder).map((e) => e.name + ':' + e.kind).join(',');
                  return new Response([adder instanceof WebAssembly.Module, second instanceof WebAssembly.Instance,
                    first.exports.add(2, 3), second.exports.addDoubled(4, 5), exports].join(' '));
                } };""", WasmBinaries.adder());
        assertThat(text(get(w, "http://x/"))).isEqualTo("true true 5 18 add:function,addDoubled:function");
        w.close();
    }

    @Test
    void the_compiled_module_does_not_hand_out_the_engines_compiler() {
        Worker w = withModule("""
                import adder from './lib.wasm';
                const tries = [
                  () => new adder.constructor(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
                  () => new (Object.getPrototypeOf(adder).constructor)(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
                  () => WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
                ];
                export default { async fetch() {
                  const out = [];
                  for (const t of tries) {
                    try { await t(); out.push('compiled'); } catch (e) { out.push(e.name); }
                  }
                  try { new WebAssembly.Instance({}); } catch (e) { out.push(e.name); }
                  return new Response(out.join(' '));
                } };""", WasmBinaries.adder());
        assertThat(text(get(w, "http://x/"))).isEqualTo("CompileError CompileError CompileError TypeError");
        w.close();
    }

    @Test
    void a_module_whose_bytes_do_not_compile_fails_to_load_saying_why() {
        assertThatThrownBy(() -> withModule("import m from './lib.wasm'; export default { fetch() {} };",
                "not wasm".getBytes()))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("module \"lib.wasm\" is not a WebAssembly module");
        byte[] whole = WasmBinaries.adder();
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> withModule("import m from './lib.wasm'; export default { fetch() {} };", truncated))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("WebAssembly module \"lib.wasm\"");
        byte[] broken = WasmBinaries.adder();
        broken[broken.length - 2] = 0x6b; // addDoubled calls function 107, which the module does not have
        assertThatThrownBy(() -> withModule("import m from './lib.wasm'; export default { fetch() {} };", broken))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("WebAssembly module \"lib.wasm\" does not compile: CompileError");
    }

    @Test
    void a_module_that_hides_a_memory_it_defines_is_refused_with_what_to_change() {
        assertThatThrownBy(() -> withModule("import m from './lib.wasm'; export default { fetch() {} };",
                WasmBinaries.memory(1, false)))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("defines memory 0 without exporting it")
                .hasMessageContaining("export every memory the module defines");
    }

    @Test
    void a_memory_grown_by_the_modules_own_code_stops_at_the_memory_limit() {
        Worker w = withModule("""
                import mod from './lib.wasm';
                const { exports } = new WebAssembly.Instance(mod);
                export default { fetch() {
                  const past = exports.grow(2100);
                  const within = exports.grow(100);
                  return new Response([past, within, exports.pages()].join(' '));
                } };""", WasmBinaries.memory(1, true));
        assertThat(text(get(w, "http://x/"))).isEqualTo("-1 1 101");
        w.close();
    }

    @Test
    void memory_a_modules_code_grows_and_keeps_counts_against_the_limit() {
        // Each request grows two instances' memories by 15 MB each from WebAssembly code, which
        // asks no one, and writes to them. Each memory stays within the engine's cap (the limit),
        // but together they take the isolate past 128 MB in the fifth request. The check after
        // that turn discards the isolate as over its limit, ending the request that waits there.
        Worker w = withModule("""
                import mod from './lib.wasm';
                const instances = [new WebAssembly.Instance(mod).exports, new WebAssembly.Instance(mod).exports];
                export default { async fetch() {
                  for (const exports of instances) {
                    const before = exports.grow(240);
                    exports.fill((before + 240) * 65536);
                  }
                  await new Promise((resolve) => setTimeout(resolve, 1));
                  return new Response(instances.map((e) => e.pages()).join(' '));
                } };""", WasmBinaries.memory(1, true));
        assertThat(servedUntilOverTheLimit(w, 8, i -> (1 + 240 * i) + " " + (1 + 240 * i))).isEqualTo(4);
    }

    @Test
    void the_memory_an_instance_starts_with_is_counted_before_it_is_allocated() {
        // 1,500 pages are 94 MB: the second instance would take the isolate past 128 MB.
        Worker w = withModule("""
                import mod from './lib.wasm';
                const kept = [];
                export default { fetch() {
                  kept.push(new WebAssembly.Instance(mod));
                  return new Response(String(kept.length));
                } };""", WasmBinaries.memory(1500, true));
        assertThat(text(get(w, "http://x/"))).isEqualTo("1");
        assertThatThrownBy(() -> get(w, "http://x/"))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        w.close();
    }

    @Test
    void a_loop_in_webassembly_code_is_ended_at_the_cpu_limit_and_the_worker_serves_on() {
        Worker w = withModule("""
                import mod from './lib.wasm';
                const { exports } = new WebAssembly.Instance(mod);
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/spin') exports.spin();
                  return new Response('served');
                } };""", WasmBinaries.spin());
        InvocationLimits limits = new InvocationLimits(100, 10, 60_000, 1000);
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/spin", List.of(), null), limits)))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_CPU));
        assertThat(text(get(w, "http://x/"))).isEqualTo("served");
        w.close();
    }

    @Test
    void a_64_bit_memory_grown_by_code_stops_at_the_memory_limit_too() {
        Worker w = withModule("""
                import mod from './lib.wasm';
                const { exports } = new WebAssembly.Instance(mod);
                export default { fetch() {
                  return new Response([exports.grow(4096n), exports.grow(10n), exports.memory.buffer.byteLength].join(' '));
                } };""", WasmBinaries.memory64());
        assertThat(text(get(w, "http://x/"))).isEqualTo("-1 1 720896");
        w.close();
    }

    @Test
    void memory_grown_in_a_turn_that_is_then_terminated_still_counts() {
        // Three instances' memories grown to 131 MB together from WebAssembly code (a memory
        // counts at its size, written or not), then a loop the CPU limit ends: the isolate is
        // over its limit and is discarded.
        Worker w = withModule("""
                import mod from './lib.wasm';
                const instances = [0, 1, 2].map(() => new WebAssembly.Instance(mod).exports);
                export default { fetch() {
                  for (const exports of instances) exports.grow(700);
                  for (;;) {}
                } };""", WasmBinaries.memory(1, true));
        InvocationLimits limits = new InvocationLimits(200, 10, 60_000, 1000);
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null), limits)))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_CPU));
        // Measured before the next turn runs: the isolate is discarded, and the request that found
        // it over its limit, none of whose code ran, is handed back to be sent to a fresh isolate.
        assertThatThrownBy(() -> get(w, "http://x/"))
                .isInstanceOfSatisfying(InvocationException.class, e -> assertThat(e.notStarted()).isTrue());
        get(w.whenClosed());
        assertThat(w.isAlive()).isFalse();
    }

    @Test
    void memory_counted_for_an_instance_that_failed_is_not_given_back_twice() {
        // The import object's getter allocates 20 MB, which has the host measure while the
        // instance's 60 MB are counted but not made; the instance then fails (no env.f). The
        // measure replaced the count, so nothing is taken back from it: the 100 MB asked next
        // do not fit beside the 50 MB kept and end the invocation. (Taking the 60 MB back from
        // the 20 left a credit that let them through.)
        Worker w = withModule("""
                import mod from './lib.wasm';
                const kept = new Uint8Array(50 * 1024 * 1024).fill(1);
                export default { fetch() {
                  try {
                    new WebAssembly.Instance(mod, { get env() { new Uint8Array(20 * 1024 * 1024).fill(1); return {}; } });
                  } catch (e) {
                    if (!(e instanceof WebAssembly.LinkError)) throw e;
                  }
                  const more = new Uint8Array(100 * 1024 * 1024).fill(1);
                  return new Response(String(kept.length + more.length));
                } };""", WasmBinaries.importingMemory(960));
        assertThatThrownBy(() -> get(w, "http://x/"))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
        w.close();
    }

    @Test
    void instances_whose_memories_could_grow_past_four_limits_together_are_refused_until_others_go() {
        // A memory without a maximum can grow to the limit (128 MB): four fit in four limits.
        Worker w = withModule("""
                import mod from './lib.wasm';
                let kept = [];
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/drop') kept = [];
                  try {
                    kept.push(new WebAssembly.Instance(mod));
                    return new Response(String(kept.length));
                  } catch (e) {
                    return new Response(e.name + ': ' + e.message);
                  }
                } };""", WasmBinaries.memory(1, true));
        for (int i = 1; i <= 4; i++) {
            assertThat(text(get(w, "http://x/"))).isEqualTo(String.valueOf(i));
        }
        assertThat(text(get(w, "http://x/"))).isEqualTo("RangeError: WebAssembly.Instance(): the isolate's WebAssembly "
                + "memories could grow to 640 MB together with this instance's, more than 4 times its memory limit of "
                + "128 MB: keep fewer instances alive, or give the module's memory a smaller maximum");
        assertThat(text(get(w, "http://x/drop"))).isEqualTo("1");
        w.close();
    }

    @Test
    void one_request_may_make_and_drop_many_instances_whose_memories_have_no_maximum() {
        // Four such memories alive fill the bound; those dropped leave it when garbage is
        // collected, in the request that dropped them (as a library does that makes an instance
        // per call), whether made at once or by instantiate() across awaits.
        Worker w = withModule("""
                import mod from './lib.wasm';
                export default { async fetch(request) {
                  let made = 0;
                  if (new URL(request.url).pathname === '/keep') {
                    const kept = [];
                    try {
                      for (;;) kept.push(new WebAssembly.Instance(mod));
                    } catch (e) {
                      return new Response(kept.length + ' kept, then ' + e.name);
                    }
                  }
                  for (let i = 0; i < 30; i++, made++) new WebAssembly.Instance(mod).exports.memory.grow(1);
                  for (let i = 0; i < 30; i++, made++) await WebAssembly.instantiate(mod);
                  return new Response(made + ' made');
                } };""", WasmBinaries.memory(1, true));
        for (int round = 0; round < 3; round++) {
            assertThat(text(get(w, "http://x/"))).isEqualTo("60 made");
        }
        assertThat(text(get(w, "http://x/keep"))).isEqualTo("4 kept, then RangeError");
        assertThat(text(get(w, "http://x/"))).isEqualTo("60 made");
        w.close();
    }

    @Test
    void an_isolate_keeps_at_most_a_thousand_memories_alive_and_may_make_more_once_it_drops_them() {
        int most = WasmMemoryTracker.MAX_ALIVE;
        Worker w = withModule("""
                import mod from './lib.wasm';
                let kept = [];
                export default { fetch(request) {
                  const path = new URL(request.url).pathname;
                  if (path === '/drop') kept = [];
                  if (path === '/zero') {
                    for (let i = 0; i < 2000; i++) kept.push(new WebAssembly.Memory({ initial: 0, maximum: 0 }));
                    return new Response('2000 made');
                  }
                  const made = kept.length;
                  try {
                    for (;;) kept.push(path === '/instances' ? new WebAssembly.Instance(mod).exports.memory
                      : new WebAssembly.Memory({ initial: 0, maximum: 1 }));
                  } catch (e) {
                    return new Response((kept.length - made) + ' made, then ' + e.name + ': ' + e.message);
                  }
                } };""", WasmBinaries.memory(0, 1, true));
        String refusal = "RangeError: WebAssembly.%s(): the isolate has " + most + " WebAssembly memories alive, the most it "
                + "may have: keep fewer instances and memories alive";
        assertThat(text(get(w, "http://x/"))).isEqualTo(most + " made, then " + refusal.formatted("Memory"));
        assertThat(text(get(w, "http://x/instances"))).isEqualTo("0 made, then " + refusal.formatted("Instance"));
        assertThat(text(get(w, "http://x/zero"))).as("memories of no page do not count").isEqualTo("2000 made");
        assertThat(text(get(w, "http://x/drop"))).isEqualTo(most + " made, then " + refusal.formatted("Memory"));
        w.close();
    }

    @Test
    void at_the_most_memories_an_instance_is_refused_before_its_start_function_runs() {
        // The module's start function calls its import: refused first, the instance never
        // existed, so nothing of it can have been handed out and the isolate serves on.
        Worker w = withModules("""
                import small from './lib.wasm';
                import starting from './other.wasm';
                const kept = [];
                let served = 0;
                export default { fetch() {
                  served++;
                  while (kept.length < %d) kept.push(new WebAssembly.Instance(small).exports.memory);
                  let started = false;
                  try {
                    new WebAssembly.Instance(starting, { env: { f() { started = true; } } });
                    return new Response('made');
                  } catch (e) {
                    return new Response(served + ': ' + e.name + (started ? ' after' : ' before') + ' the start function');
                  }
                } };""".formatted(WasmMemoryTracker.MAX_ALIVE), WasmBinaries.memory(0, 1, true),
                WasmBinaries.startingWithImport());
        assertThat(text(get(w, "http://x/"))).isEqualTo("1: RangeError before the start function");
        assertThat(text(get(w, "http://x/"))).isEqualTo("2: RangeError before the start function");
        w.close();
    }

    @Test
    void every_module_of_an_upload_compiles_as_it_loads_imported_or_not() {
        assertThatThrownBy(() -> withModule("export default { fetch() { return new Response('never imports it'); } };",
                "not wasm".getBytes()))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("module \"lib.wasm\" is not a WebAssembly module");
    }

    @Test
    void a_module_that_starts_with_more_memory_than_the_limit_is_refused_as_it_loads() {
        assertThatThrownBy(() -> withModule("import m from './lib.wasm'; export default { fetch() {} };",
                WasmBinaries.memory(2100, true)))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("WebAssembly module \"lib.wasm\" starts with 134400 KiB of memory, more than the "
                        + "worker's memory limit of 131072 KiB");
    }

    @Test
    void a_service_worker_script_with_a_webassembly_module_is_refused_saying_why() {
        WorkerSource source = new WorkerSource("test-worker", "worker.js", List.of(
                new WorkerModule("worker.js", ModuleType.SERVICE_WORKER,
                        "addEventListener('fetch', (e) => e.respondWith(new Response('x')));".getBytes()),
                new WorkerModule("lib.wasm", ModuleType.WASM, WasmBinaries.adder())),
                CompatibilityFlags.DEFAULT_DATE, List.of(), List.of());
        assertThatThrownBy(() -> load(source))
                .isInstanceOf(ScriptException.class)
                .hasMessageContaining("WebAssembly module \"lib.wasm\" cannot be used by a service-worker script");
    }

    @Test
    void the_buffers_of_instances_memories_a_worker_keeps_count_after_the_instances_go() {
        // Each request makes an instance with 20 MB of memory (its most) and keeps only the
        // memory's buffer: the sixth or seventh takes the isolate past 128 MB.
        Worker w = withModule("""
                import mod from './lib.wasm';
                const kept = [];
                export default { fetch() {
                  const { exports } = new WebAssembly.Instance(mod);
                  exports.fill(320 * 65536);
                  kept.push(exports.memory.buffer);
                  return new Response(String(kept.length));
                } };""", WasmBinaries.memory(320, 320, true));
        assertThat(servedUntilOverTheLimit(w, 12, String::valueOf)).isBetween(5, 6);
    }

    @Test
    void memories_made_by_javascript_count_towards_the_bound_when_a_module_imports_one() {
        // Each memory without a maximum can grow to the limit once an instance imports it: four
        // fit in the bound, five do not.
        for (int count = 4; count <= 5; count++) {
            Worker w = withModule("""
                    import mod from './lib.wasm';
                    const memories = Array.from({ length: %d }, () => new WebAssembly.Memory({ initial: 1 }));
                    export default { fetch() {
                      try {
                        new WebAssembly.Instance(mod, { env: { memory: memories[0] } });
                        return new Response('made');
                      } catch (e) {
                        return new Response(e.name);
                      }
                    } };""".formatted(count), WasmBinaries.importedMemory());
            assertThat(text(get(w, "http://x/"))).as(count + " memories").isEqualTo(count == 4 ? "made" : "RangeError");
            w.close();
        }
    }

    @Test
    void instances_made_while_another_is_being_made_count_it_towards_the_bound() {
        // An import object's getter makes instances while the outer one is being made: with
        // the outer one's memory (no maximum) they would be five limits' worth.
        Worker w = withModules("""
                import outer from './lib.wasm';
                import inner from './other.wasm';
                const kept = [];
                export default { fetch() {
                  try {
                    kept.push(new WebAssembly.Instance(outer, { get env() {
                      for (let i = 0; i < 4; i++) kept.push(new WebAssembly.Instance(inner));
                      return { f() {} };
                    } }));
                    return new Response('made ' + kept.length);
                  } catch (e) {
                    return new Response(e.name + ' after ' + kept.length);
                  }
                } };""", WasmBinaries.importingMemory(1), WasmBinaries.memory(1, true));
        assertThat(text(get(w, "http://x/"))).isEqualTo("RangeError after 3");
        w.close();
    }

    @Test
    void an_instance_whose_start_function_failed_has_the_isolate_replaced() {
        Worker w = withModule("""
                import mod from './lib.wasm';
                export default { fetch() {
                  const sections = WebAssembly.Module.customSections(mod, 'meta');
                  try {
                    new WebAssembly.Instance(mod, { env: { f() { throw new Error('start failed'); } } });
                  } catch (e) {
                    return new Response(e.message + ' ' + sections.map((s) => s.byteLength));
                  }
                  return new Response('made');
                } };""", WasmBinaries.startingWithImport());
        assertThat(text(get(w, "http://x/"))).isEqualTo("start failed 3");
        get(w.whenClosed());
        assertThat(w.isAlive()).isFalse();
    }

    @Test
    void an_instance_cut_off_by_the_cpu_limit_while_being_made_leaves_no_count_behind() {
        // The import object's getter never returns: the limit ends the turn inside the making of
        // an instance of 60 MB, which skips every catch and finally. The next request can still
        // have 100 MB: what was counted for that instance does not stay.
        Worker w = withModule("""
                import mod from './lib.wasm';
                export default { fetch(request) {
                  if (new URL(request.url).pathname === '/spin') {
                    new WebAssembly.Instance(mod, { get env() { for (;;) {} } });
                  }
                  return new Response(String(new Uint8Array(100 * 1024 * 1024).fill(1).length));
                } };""", WasmBinaries.importingMemory(960));
        InvocationLimits limits = new InvocationLimits(200, 10, 60_000, 1000);
        assertThatThrownBy(() -> get(w.fetch(new WorkerRequest("GET", "http://x/spin", List.of(), null), limits)))
                .isInstanceOfSatisfying(InvocationException.class,
                        e -> assertThat(e.outcome()).isEqualTo(Outcome.EXCEEDED_CPU));
        assertThat(text(get(w, "http://x/"))).isEqualTo(String.valueOf(100 * 1024 * 1024));
        w.close();
    }

    @Test
    void a_failed_instance_of_a_module_that_imports_a_table_has_the_isolate_replaced() {
        // Element segments may have written its functions into the table before it failed.
        Worker w = withModule("""
                import mod from './lib.wasm';
                export default { fetch() {
                  try {
                    new WebAssembly.Instance(mod, {});
                  } catch (e) {
                    return new Response(e.name);
                  }
                  return new Response('made');
                } };""", WasmBinaries.importingTable());
        assertThat(text(get(w, "http://x/"))).isEqualTo("TypeError");
        get(w.whenClosed());
        assertThat(w.isAlive()).isFalse();
    }
}

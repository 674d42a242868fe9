package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.esm;
import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The machine code the engine makes of an uploaded WebAssembly module lies outside its heap
 * statistics: each module counts an estimate against the isolate's memory limit, so a module
 * too large for the limit does not load, and one that fits still serves.
 */
class WasmModuleMemoryTest {

    /** A valid module of about {@code bytes} bytes: a one-page memory and one passive data segment. */
    static byte[] moduleOf(int bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        out.writeBytes(new byte[] {0x05, 0x04, 0x01, 0x01, 0x01, 0x01}); // memory: 1 page, at most 1
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        segment.write(0x01); // one segment
        segment.write(0x01); // passive
        writeLeb(segment, bytes);
        segment.writeBytes(new byte[bytes]);
        out.write(0x0b); // data section
        writeLeb(out, segment.size());
        out.writeBytes(segment.toByteArray());
        return out.toByteArray();
    }

    private static void writeLeb(ByteArrayOutputStream out, int value) {
        int v = value;
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    private static WorkerSource withWasm(byte[] wasm) {
        return Engines.modules("w.js", List.of(esm("w.js", """
                import mod from './data.wasm';
                export default { async fetch() {
                  const instance = await WebAssembly.instantiate(mod);
                  return new Response(String(instance.exports !== undefined));
                } };"""), new WorkerModule("data.wasm", ModuleType.COMPILED_WASM, wasm)), List.of());
    }

    @Test
    void a_module_whose_code_would_not_fit_the_memory_limit_does_not_load() {
        // 40 MB of module counts 160 MB, over the 128 MB limit.
        assertThatThrownBy(() -> load(withWasm(moduleOf(40 << 20)))).isInstanceOf(ScriptException.class)
                .hasMessageContaining("data.wasm").hasMessageContaining("memory limit");
    }

    @Test
    void a_module_that_fits_loads_and_instantiates() {
        assertThat(text(get(load(withWasm(moduleOf(1 << 20))), "http://x/"))).isEqualTo("true");
    }

    /** A module section: its id, then its content's length and the content. */
    private static void section(ByteArrayOutputStream out, int id, int... content) {
        out.write(id);
        writeLeb(out, content.length);
        for (int b : content) {
            out.write(b);
        }
    }

    /**
     * A module with one memory of {@code initial} pages (and {@code maximum}, unless negative),
     * exported as "memory" when {@code exported}, and a function grow(pages) that runs memory.grow.
     */
    static byte[] memoryModule(int initial, int maximum, boolean exported) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        section(out, 0x01, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f);
        section(out, 0x03, 0x01, 0x00);
        ByteArrayOutputStream limits = new ByteArrayOutputStream();
        limits.write(0x01);
        limits.write(maximum < 0 ? 0x00 : 0x01);
        writeLeb(limits, initial);
        if (maximum >= 0) {
            writeLeb(limits, maximum);
        }
        section(out, 0x05, limits.toByteArray().length == 0 ? new int[0] : toInts(limits.toByteArray()));
        if (exported) {
            section(out, 0x07, 0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x04, 'g', 'r', 'o', 'w', 0x00, 0x00);
        } else {
            section(out, 0x07, 0x01, 0x04, 'g', 'r', 'o', 'w', 0x00, 0x00);
        }
        section(out, 0x0a, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b);
        return out.toByteArray();
    }

    private static int[] toInts(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    private static Worker withMemoryModule(byte[] wasm, String body) {
        return load(Engines.modules("w.js", List.of(esm("w.js", "import mod from './mem.wasm';\n"
                + "export default { async fetch() { const out = []; " + body + " return new Response(out.join(' ')); } };"),
                new WorkerModule("mem.wasm", ModuleType.COMPILED_WASM, wasm)), List.of()));
    }

    private static final String TRY = "try { %s; out.push('ok'); } catch (e) { out.push(e.name + ': ' + e.message); }";

    @Test
    void the_memories_instances_make_count_against_the_limit() {
        // 640 pages are 40 MB: three instances fit in 128 MB, a fourth does not.
        Worker w = withMemoryModule(memoryModule(640, -1, true), """
                const kept = [];
                for (let i = 0; i < 4; i++) {
                  try { kept.push(new WebAssembly.Instance(mod)); out.push('ok'); }
                  catch (e) { out.push(e.name); break; }
                }""");
        assertThatThrownBy(() -> get(w, "http://x/")).isInstanceOf(InvocationException.class)
                .satisfies(e -> assertThat(((InvocationException) e).outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
    }

    @Test
    void growth_made_by_a_modules_own_code_counts_at_the_next_allocation() {
        // 1,500 pages (94 MB) grown by memory.grow, then 40 MB more asked for.
        Worker w = withMemoryModule(memoryModule(1, -1, true), """
                const first = new WebAssembly.Instance(mod);
                out.push(first.exports.grow(1500));
                const more = new Uint8Array(40 << 20);
                out.push(more.length);""");
        assertThatThrownBy(() -> get(w, "http://x/")).isInstanceOf(InvocationException.class)
                .satisfies(e -> assertThat(((InvocationException) e).outcome()).isEqualTo(Outcome.EXCEEDED_MEMORY));
    }

    @Test
    void at_most_four_memories_live_at_once_and_an_unexported_memory_needs_a_maximum() {
        Worker w = withMemoryModule(memoryModule(1, -1, true), """
                const kept = [];
                for (let i = 0; i < 5; i++) {
                  try { kept.push(new WebAssembly.Instance(mod)); out.push('ok'); } catch (e) { out.push(e.name + (i === 0 ? e.message : '')); }
                }""");
        assertThat(text(get(w, "http://x/"))).isEqualTo("ok ok ok ok RangeError");
        Worker hidden = withMemoryModule(memoryModule(1, -1, false), TRY.formatted("new WebAssembly.Instance(mod)"));
        assertThat(text(get(hidden, "http://x/"))).startsWith("RangeError: WebAssembly.Instance(): the module defines a memory "
                + "it does not export and gives it no maximum");
        Worker bounded = withMemoryModule(memoryModule(1, 16, false), TRY.formatted(
                "await WebAssembly.instantiate(mod)"));
        assertThat(text(get(bounded, "http://x/"))).isEqualTo("ok");
    }
}

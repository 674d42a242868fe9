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
        out.writeBytes(new byte[] {0x05, 0x03, 0x01, 0x00, 0x01}); // memory: min 1 page
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
}

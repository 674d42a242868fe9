package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebAssembly modules uploaded with a worker (parts of type application/wasm, as wrangler deploy
 * sends `import mod from './add.wasm'`): imported as a compiled WebAssembly.Module and
 * instantiated; bytes the worker has at run time still do not compile.
 */
class WasmModulesTest {
    /** A module exporting add(i32, i32) -> i32. */
    static final byte[] ADD = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
    };

    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        t = new TestServer(dir, java.util.List.of());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void an_uploaded_module_is_imported_compiled_and_instantiated() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"index.js\",\"compatibility_date\":\"2025-01-01\"}")
                .file("index.js", "index.js", "application/javascript+module", """
                        import mod from './5f3a-add.wasm';
                        export default { async fetch() {
                          const { exports } = await WebAssembly.instantiate(mod, {});
                          const direct = new WebAssembly.Instance(mod).exports.add(20, 1);
                          let fromBytes;
                          try { await WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); }
                          catch (e) { fromBytes = e.name + ': ' + e.message; }
                          return new Response([mod instanceof WebAssembly.Module, exports.add(2, 40), direct,
                            WebAssembly.Module.exports(mod)[0].name, fromBytes].join(' | '));
                        } };""")
                .file("./5f3a-add.wasm", "./5f3a-add.wasm", "application/wasm", ADD);
        TestServer.Reply up = t.putMultipart(t.accountApi("/workers/scripts/wasm-add"), body);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(t.worker("GET", "wasm-add.localhost", "/", null).body()).isEqualTo("true | 42 | 21 | add | "
                + "CompileError: WebAssembly.instantiate(): Wasm code generation disallowed by embedder");
        JsonNode script = t.get(t.accountApi("/workers/scripts/wasm-add/settings")).json();
        assertThat(script.path("success").asBoolean()).as(script.toString()).isTrue();
    }

    @Test
    void bytes_that_are_not_webassembly_are_refused_at_upload_with_the_modules_name() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"main_module\":\"index.js\"}")
                .file("index.js", "index.js", "application/javascript+module",
                        "import mod from './bad.wasm'; export default { fetch() { return new Response(String(mod)); } };")
                .file("bad.wasm", "bad.wasm", "application/wasm", new byte[] {0x00, 0x61, 0x73, 0x6d, 0x09, 0x09});
        TestServer.Reply up = t.putMultipart(t.accountApi("/workers/scripts/wasm-bad"), body);
        assertThat(up.status()).isEqualTo(400);
        assertThat(up.body()).contains("bad.wasm").contains("could not be compiled as WebAssembly");
    }

    @Test
    void a_service_worker_upload_cannot_carry_a_webassembly_module() {
        TestServer.Multipart body = new TestServer.Multipart()
                .json("metadata", "{\"body_part\":\"worker.js\"}")
                .file("worker.js", "worker.js", "application/javascript",
                        "addEventListener('fetch', (e) => e.respondWith(new Response('sw')));")
                .file("add.wasm", "add.wasm", "application/wasm", ADD);
        TestServer.Reply up = t.putMultipart(t.accountApi("/workers/scripts/wasm-sw"), body);
        assertThat(up.status()).isEqualTo(400);
        assertThat(up.body()).contains("only ES module workers can import");
    }
}

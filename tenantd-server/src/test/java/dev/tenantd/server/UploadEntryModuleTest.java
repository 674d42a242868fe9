package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry module of a multipart upload, as the clients people use name it: wrangler and
 * the SDK (part name = file name), Cloudflare's documentation and curl's {@code -F name=@file}
 * (main_module is the part name), and the public example app (part {@code script}, main_module
 * its file name). Each upload is served afterwards, so the stored names also resolve imports.
 */
class UploadEntryModuleTest {
    @TempDir
    static Path dir;
    static TestServer t;

    static final String MODULE = "application/javascript+module";

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static TestServer.Reply upload(String script, String mainModule, TestServer.Multipart parts) {
        return t.putMultipart(t.accountApi("/workers/scripts/" + script), parts.json("metadata",
                "{\"main_module\":\"" + mainModule + "\",\"compatibility_date\":\"2024-09-23\"}"));
    }

    static String served(String script) {
        TestServer.Reply r = t.worker("GET", script + ".localhost", "/", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void part_name_equal_to_file_name_as_wrangler_and_the_sdk_send_it() {
        TestServer.Reply r = upload("wrangler-shape", "index.js", new TestServer.Multipart()
                .file("index.js", "index.js", MODULE,
                        "import { word } from './lib/util.js'; export default { fetch() { return new Response(word) } };")
                .file("lib/util.js", "lib/util.js", MODULE, "export const word = 'from wrangler';"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(served("wrangler-shape")).isEqualTo("from wrangler");
    }

    @Test
    void main_module_names_the_part_as_cloudflare_documents_and_curl_sends_it() {
        // curl -F 'd.js=@examples/dispatcher.js' sends part name d.js with file name dispatcher.js
        TestServer.Reply r = upload("curl-shape", "d.js", new TestServer.Multipart()
                .file("d.js", "dispatcher.js", MODULE,
                        "import { word } from './words.js'; export default { fetch() { return new Response(word) } };")
                .file("words.js", "some-other-file.js", MODULE, "export const word = 'by part name';"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(served("curl-shape")).isEqualTo("by part name");
    }

    @Test
    void main_module_names_the_file_of_a_part_called_script_as_the_example_app_sends_it() {
        TestServer.Reply r = upload("example-app-shape", "x.mjs", new TestServer.Multipart()
                .file("script", "x.mjs", MODULE,
                        "import { word } from './y.mjs'; export default { fetch() { return new Response(word) } };")
                .file("files", "y.mjs", MODULE, "export const word = 'by file name';"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(served("example-app-shape")).isEqualTo("by file name");
    }

    @Test
    void main_module_naming_neither_a_part_nor_a_file_says_what_the_upload_has() {
        TestServer.Reply r = upload("nowhere", "main.js", new TestServer.Multipart()
                .file("d.js", "dispatcher.js", MODULE, "export default { fetch() { return new Response('') } };"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(10014);
        assertThat(r.message()).contains("main.js", "d.js", "dispatcher.js");
        assertThat(t.get(t.accountApi("/workers/scripts/nowhere")).status()).isEqualTo(404);
    }
}

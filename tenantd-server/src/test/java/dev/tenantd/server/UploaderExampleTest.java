package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped upload form ({@code examples/uploader.js}), run as it is, tried by a
 * customer who sends a customer ID that is no script name.
 */
class UploaderExampleTest {
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(dir, List.of());
        t.createNamespace("customers");
        assertThat(t.putJs(t.accountApi("/workers/scripts/dispatcher"),
                "addEventListener('fetch', (e) => e.respondWith(new Response('the platform dispatcher')));").status())
                .isEqualTo(200);
        String metadata = "{\"main_module\":\"uploader.js\",\"compatibility_date\":\"2024-09-23\",\"bindings\":["
                + "{\"type\":\"plain_text\",\"name\":\"ACCOUNT_ID\",\"text\":\"" + TestServer.ACCOUNT + "\"},"
                + "{\"type\":\"secret_text\",\"name\":\"API_TOKEN\",\"text\":\"" + TestServer.TOKEN + "\"}]}";
        TestServer.Reply up = t.putModule(t.accountApi("/workers/scripts/uploader"), metadata, "uploader.js",
                Files.readString(Path.of("../examples/uploader.js")));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static TestServer.Reply publish(String customerID, String text) throws Exception {
        return t.worker("POST", "uploader.localhost", "/", TestServer.JSON.writeValueAsString(Map.of("customerID", customerID,
                "script", "addEventListener('fetch', (e) => e.respondWith(new Response('" + text + "')));")));
    }

    @Test
    void a_customer_id_that_is_a_script_name_is_published() throws Exception {
        assertThat(publish("gamma", "gamma here").status()).isEqualTo(200);
        assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/customers/scripts/gamma")).status()).isEqualTo(200);
    }

    @Test
    void a_customer_id_that_is_no_script_name_is_refused_and_reaches_no_endpoint() throws Exception {
        for (String id : List.of("../../../../scripts/dispatcher", "..", "a/b", "acme?x=1", "acme#x", "%2e%2e", "Acme", "")) {
            TestServer.Reply r = publish(id, "replaced");
            assertThat(r.status()).as(id + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("customerID must be");
        }
        assertThat(t.worker("GET", "dispatcher.localhost", "/", null).body()).isEqualTo("the platform dispatcher");
        assertThat(t.get(t.accountApi("/workers/dispatch/namespaces/customers/scripts")).json().path("result")
                .findValuesAsText("id")).doesNotContain("acme", "dispatcher");
    }
}

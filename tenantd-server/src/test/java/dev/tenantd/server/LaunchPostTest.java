package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantd.platform.Route;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch post's platform, end to end: a customer's script is uploaded by an
 * upload-form worker through the API host, and a dispatch worker picks it by
 * subdomain. Both workers are written in our own words but make the same calls
 * and the same checks as the post's.
 */
class LaunchPostTest {
    @TempDir
    static Path dir;
    static TestServer t;

    /** Launch-era dispatcher: un-awaited fetch inside try, exact message comparison. */
    static final String DISPATCHER = """
            export default {
              async fetch(request, env) {
                try {
                  const customer = new URL(request.url).host.split('.')[0];
                  const customerWorker = env.dispatcher.get(customer);
                  return customerWorker.fetch(request);
                } catch (e) {
                  if (e.message == 'Error: Worker not found.') {
                    return new Response('', { status: 404 });
                  }
                  return new Response(e.message, { status: 500 });
                }
              },
            };
            """;

    /** Today's dispatcher (awaited fetch, prefix comparison): the one shipped in examples/. */
    static String modernDispatcher() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("../examples/dispatcher.js"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String uploader() {
        return """
                const page = '<!doctype html><form method="post"><textarea name="script"></textarea></form>';
                export default {
                  async fetch(request) {
                    try {
                      if (request.method === 'POST') {
                        const form = JSON.parse(JSON.stringify(await request.json()));
                        await publish(form.customerID, form.script);
                      }
                      return new Response(page, { headers: { 'Content-Type': 'text/html' } });
                    } catch (e) {
                      return new Response(e.message, { status: 500 });
                    }
                  },
                };
                async function publish(customerID, script) {
                  const account = 'ACCOUNT';
                  const namespace = 'api-prod';
                  const endpoint = `https://api.cloudflare.com/client/v4/accounts/${account}/workers/dispatch/namespaces/${namespace}/scripts/${customerID}`;
                  const response = await fetch(endpoint, {
                    method: 'PUT',
                    body: script,
                    headers: {
                      'Content-Type': 'application/javascript',
                      'X-Auth-Email': 'ops@example.test',
                      'X-Auth-Key': 'TOKEN',
                    },
                  });
                  const outcome = await response.json();
                  if (response.status != 200) {
                    throw new Error('Upload error');
                  }
                  return outcome;
                }
                """.replace("ACCOUNT", TestServer.ACCOUNT).replace("TOKEN", TestServer.TOKEN);
    }

    static final String BINDING = "{\"type\":\"dispatch_namespace\",\"name\":\"dispatcher\",\"namespace\":\"api-prod\"}";

    @BeforeAll
    static void platform() {
        t = new TestServer(dir, List.of(Route.parse("*.example.test/*=dispatcher"),
                Route.parse("*.modern.test/*=modern")));
        t.createNamespace("api-prod");
        assertThat(t.putModule(t.accountApi("/workers/scripts/dispatcher"),
                "{\"main_module\":\"dispatcher.js\",\"compatibility_date\":\"2022-05-01\",\"bindings\":[" + BINDING + "]}",
                "dispatcher.js", DISPATCHER).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/modern"),
                "{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-09-23\",\"bindings\":[" + BINDING + "]}",
                "index.js", modernDispatcher()).status()).isEqualTo(200);
        assertThat(t.putModule(t.accountApi("/workers/scripts/uploader"),
                "{\"main_module\":\"uploader.js\",\"compatibility_date\":\"2022-05-01\"}",
                "uploader.js", uploader()).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String customerScript(String greeting) {
        return "addEventListener('fetch', (event) => event.respondWith(new Response('" + greeting + "')));";
    }

    @Test
    void uploader_creates_user_worker_and_dispatcher_serves_it_by_subdomain() throws Exception {
        String form = TestServer.JSON.writeValueAsString(java.util.Map.of(
                "customerID", "cust1", "script", customerScript("hello from customer one")));
        TestServer.Reply upload = t.worker("POST", "uploader.localhost", "/", form);
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        assertThat(upload.body()).contains("<form");
        assertThat(upload.headers().firstValue("content-type")).contains("text/html");

        TestServer.Reply served = t.worker("GET", "cust1.example.test", "/anything", null);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("hello from customer one");

        TestServer.Reply modern = t.worker("GET", "cust1.modern.test", "/", null);
        assertThat(modern.body()).isEqualTo("hello from customer one");
    }

    @Test
    void unknown_customer_gets_404_with_empty_body_from_both_dispatchers() {
        TestServer.Reply launch = t.worker("GET", "nobody.example.test", "/", null);
        assertThat(launch.status()).isEqualTo(404);
        assertThat(launch.body()).isEmpty();

        TestServer.Reply modern = t.worker("GET", "nobody.modern.test", "/", null);
        assertThat(modern.status()).isEqualTo(404);
        assertThat(modern.body()).isEqualTo("No site for \"nobody\" yet.\n");
    }

    @Test
    void user_worker_that_throws_yields_500() {
        assertThat(t.putJs(t.accountApi("/workers/dispatch/namespaces/api-prod/scripts/broken"),
                "addEventListener('fetch', () => { throw new Error('customer bug'); });").status()).isEqualTo(200);
        // The launch dispatcher returns fetch() un-awaited, so the user worker's error escapes its
        // try block: the platform answers 500 for the uncaught exception.
        TestServer.Reply r = t.worker("GET", "broken.example.test", "/", null);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("Worker threw exception");
        // The modern dispatcher awaits, catches, and answers 500 with the user worker's message.
        TestServer.Reply modern = t.worker("GET", "broken.modern.test", "/", null);
        assertThat(modern.status()).isEqualTo(500);
        assertThat(modern.body()).isEqualTo("The site for \"broken\" failed: customer bug\n");
    }

    @Test
    void uploader_reports_failed_upload() throws Exception {
        String form = TestServer.JSON.writeValueAsString(java.util.Map.of(
                "customerID", "cust2", "script", "addEventListener('fetch', (e) => {"));
        TestServer.Reply upload = t.worker("POST", "uploader.localhost", "/", form);
        assertThat(upload.status()).isEqualTo(500);
        assertThat(upload.body()).isEqualTo("Upload error");
        assertThat(t.worker("GET", "cust2.example.test", "/", null).status()).isEqualTo(404);
    }
}

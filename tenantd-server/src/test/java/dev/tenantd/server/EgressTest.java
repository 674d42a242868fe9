package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers cannot reach this machine or private networks; the checks happen before any connection. */
class EgressTest {
    @TempDir
    static Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, List.of());
        assertThat(t.putModule(t.accountApi("/workers/scripts/prober"), "{\"main_module\":\"p.js\"}", "p.js", """
                export default { async fetch(request) {
                  const target = new URL(request.url).searchParams.get('u');
                  try {
                    const r = await fetch(target);
                    return new Response('reached ' + r.status);
                  } catch (e) {
                    return new Response(e.name + ': ' + e.message);
                  }
                } };""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private String probe(String url) {
        return t.worker("GET", "prober.localhost", "/?u=" + URLEncoder.encode(url, StandardCharsets.UTF_8), null).body();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/healthz", "http://localhost:%d/healthz", "http://[::1]:%d/healthz",
            "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/", "http://0.0.0.0:%d/", "http://[::ffff:127.0.0.1]:%d/healthz"})
    void private_and_loopback_destinations_are_blocked(String pattern) {
        String body = probe(pattern.formatted(t.server.apiPort()));
        assertThat(body).startsWith("TypeError: ").contains("blocked by the egress policy");
    }

    @Test
    void the_cloudflare_api_host_is_served_by_this_server() {
        String body = probe("https://api.cloudflare.com/client/v4/user/tokens/verify");
        assertThat(body).isEqualTo("reached 401");
    }

    @Test
    void non_http_schemes_are_refused() {
        assertThat(probe("file:///etc/passwd")).startsWith("TypeError: Fetch API cannot load");
    }
}

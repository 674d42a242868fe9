package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that the file system refuses, for real: tenantd runs under a file size
 * limit ({@code ulimit -f}), so storing a module larger than the limit fails in the
 * kernel with EFBIG, as a full disk fails with ENOSPC. The client gets a clear
 * envelope, no partial file is left, what was stored before keeps serving, and the
 * server goes on accepting uploads that fit.
 */
class DiskFullTest {
    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final String TOKEN = "disk-full-token";
    private static final int FILE_SIZE_LIMIT_KB = 2048;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerProcess launch(String shellPrefix) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", "-c", shellPrefix + "exec \"$@\"", "tenantd", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--data-dir", dir.toString(), "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                "--account-id", "acct", "--api-token", TOKEN));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return ServerProcess.serving(p);
    }

    private static void stop(ServerProcess p) throws Exception {
        p.process().destroyForcibly();
        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private HttpResponse<String> upload(ServerProcess p, String script) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.apiPort()
                        + "/client/v4/accounts/acct/workers/scripts/site"))
                .header("Authorization", "Bearer " + TOKEN).header("content-type", "application/javascript")
                .timeout(Duration.ofSeconds(60)).PUT(HttpRequest.BodyPublishers.ofString(script)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String etag(ServerProcess p) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.apiPort()
                + "/client/v4/accounts/acct/workers/services/site")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        return TestServer.JSON.readTree(r.body()).path("result").path("default_environment").path("script").path("etag").asText();
    }

    private String serve(ServerProcess p) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.workerPort() + "/"))
                .header("Host", "site.localhost").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String version(String text) {
        return "addEventListener('fetch', (e) => e.respondWith(new Response('" + text + "')));";
    }

    @Test
    void a_module_the_file_system_refuses_is_a_clear_507_that_leaves_nothing_behind() throws Exception {
        ServerProcess unlimited = launch("");
        String etag;
        try {
            assertThat(upload(unlimited, version("version one")).statusCode()).isEqualTo(200);
            etag = etag(unlimited);
        } finally {
            stop(unlimited);
        }

        ServerProcess limited = launch("ulimit -f " + FILE_SIZE_LIMIT_KB + "; ");
        try {
            assertThat(serve(limited)).isEqualTo("version one");
            String big = version("version big") + "\n//" + "x".repeat(3 * 1024 * 1024);
            HttpResponse<String> refused = upload(limited, big);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(507);
            JsonNode envelope = TestServer.JSON.readTree(refused.body());
            assertThat(envelope.path("success").asBoolean()).isFalse();
            assertThat(envelope.path("errors").path(0).path("code").asInt()).isEqualTo(10507);
            assertThat(envelope.path("errors").path(0).path("message").asText())
                    .contains("Cannot store the worker's modules")
                    .contains(dir.resolve("blobs").toAbsolutePath().toString())
                    .contains("File too large");

            try (Stream<Path> left = Files.list(dir.resolve("blobs").resolve("tmp"))) {
                assertThat(left.toList()).as("partial blob files").isEmpty();
            }
            assertThat(serve(limited)).isEqualTo("version one");
            assertThat(etag(limited)).isEqualTo(etag);

            assertThat(upload(limited, version("version two")).statusCode()).isEqualTo(200);
            assertThat(serve(limited)).isEqualTo("version two");
        } finally {
            stop(limited);
        }
    }
}

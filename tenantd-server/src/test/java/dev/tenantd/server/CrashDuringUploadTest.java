package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenantd process killed (SIGKILL) in the middle of an upload comes back
 * serving the version it served before: while the body is still arriving, and
 * while the new version is being validated.
 */
class CrashDuringUploadTest {
    static {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private static final String TOKEN = "crash-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerProcess launch() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "serve", "--data-dir", dir.toString(),
                "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--account-id", "acct", "--api-token", TOKEN));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return ServerProcess.serving(p);
    }

    private HttpResponse<String> upload(ServerProcess p, String script) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.apiPort()
                        + "/client/v4/accounts/acct/workers/scripts/site"))
                .header("Authorization", "Bearer " + TOKEN).header("content-type", "application/javascript")
                .PUT(HttpRequest.BodyPublishers.ofString(script)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String serve(ServerProcess p) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.workerPort() + "/"))
                .header("Host", "site.localhost").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String version(String text) {
        return "addEventListener('fetch', (e) => e.respondWith(new Response('" + text + "')));";
    }

    private static void kill(ServerProcess p) throws Exception {
        p.process().destroyForcibly();
        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void killed_mid_upload_the_previous_version_keeps_serving() throws Exception {
        ServerProcess first = launch();
        try {
            assertThat(upload(first, version("version one")).statusCode()).isEqualTo(200);
            assertThat(serve(first)).isEqualTo("version one");

            // The body is still arriving when the process dies.
            try (Socket s = new Socket("127.0.0.1", first.apiPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("PUT /client/v4/accounts/acct/workers/scripts/site HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/javascript\r\n"
                        + "Content-Length: 4000000\r\n\r\n" + version("version two") + "\n//").getBytes(StandardCharsets.UTF_8));
                out.write("x".repeat(1_000_000).getBytes(StandardCharsets.UTF_8));
                out.flush();
                kill(first);
            }
        } finally {
            first.process().destroyForcibly();
        }

        ServerProcess second = launch();
        try {
            assertThat(serve(second)).isEqualTo("version one");
            // The whole upload has arrived and is being validated (its start-up takes most of the
            // one-second start-up budget) when the process dies.
            Thread uploader = new Thread(() -> {
                try {
                    upload(second, "const end = Date.now() + 900; while (Date.now() < end) {}\n" + version("version three"));
                } catch (Exception expected) {
                    // the server died under it
                }
            });
            uploader.start();
            Thread.sleep(400);
            kill(second);
            uploader.join(30_000);
        } finally {
            second.process().destroyForcibly();
        }

        ServerProcess third = launch();
        try {
            assertThat(serve(third)).isEqualTo("version one");
        } finally {
            kill(third);
        }
    }
}

package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tenantd serve} in a process of its own: SIGTERM stops it gracefully, and a second
 * SIGTERM while it waits for a request in flight ends it at once, with the status a signal gives.
 */
class StopSignalsTest {
    @TempDir
    Path dir;

    @Test
    void a_second_sigterm_while_stopping_ends_the_process_at_once() throws Exception {
        Path config = dir.resolve("tenantd.toml");
        Files.writeString(config, "[server]\nshutdown-grace-ms = 600000\n");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--data-dir", dir.resolve("data").toString(), "--config", config.toString(), "--api-token", "t",
                "--warm-up-ms", "0", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0")
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException gone) {
                // the process ended
            }
        });
        java.net.Socket held = null;
        try {
            int workers = port(lines, "workers: http://127.0.0.1:(\\d+)");
            int api = port(lines, "API: +http://127.0.0.1:(\\d+)");
            String boundary = "stopsignals";
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\n\r\n{\"main_module\":\"w.js\"}\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"w.js\"; filename=\"w.js\"\r\n"
                    + "Content-Type: application/javascript+module\r\n\r\n"
                    + "export default { fetch() { console.log('arrived'); return new Promise(() => {}); } };\r\n--"
                    + boundary + "--\r\n";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String account = Files.readString(dir.resolve("data").resolve("account-id")).strip();
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
                            + "/client/v4/accounts/" + account + "/workers/scripts/hold"))
                    .header("authorization", "Bearer t").header("content-type", "multipart/form-data; boundary=" + boundary)
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            held = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), workers);
            held.getOutputStream().write("GET / HTTP/1.1\r\nHost: hold.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            held.getOutputStream().flush();
            await(lines, "arrived");

            // SIGTERM, leaving the output readable (Process.destroy would close it).
            server.toHandle().destroy();
            await(lines, "tenantd stopping");
            assertThat(server.isAlive()).as("the first SIGTERM waits for the request in flight").isTrue();
            server.toHandle().destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the second SIGTERM ended it").isTrue();
            assertThat(server.exitValue()).isEqualTo(143);
        } finally {
            server.destroyForcibly();
            if (held != null) {
                held.close();
            }
        }
    }

    /** The port in the first line of the server's output that {@code pattern} finds. */
    private static int port(BlockingQueue<String> lines, String pattern) throws InterruptedException {
        Matcher m = Pattern.compile(pattern).matcher(await(lines, pattern));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The first line of the server's output that has {@code pattern} in it, waiting up to 60 s for it. */
    private static String await(BlockingQueue<String> lines, String pattern) throws InterruptedException {
        Pattern wanted = Pattern.compile(pattern);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && wanted.matcher(line).find()) {
                return line;
            }
            if (line != null) {
                seen.append(line).append('\n');
            }
        }
        throw new AssertionError("the server printed no line matching " + pattern + "; it printed:\n" + seen);
    }
}

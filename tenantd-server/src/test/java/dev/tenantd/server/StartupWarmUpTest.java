package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up warm-up serves its load through a dispatch worker of its own, starting evicted
 * isolates again, and leaves nothing behind: no directory, no account, script or namespace in
 * the server that starts after it.
 */
class StartupWarmUpTest {
    @TempDir
    Path dir;

    @Test
    void the_load_goes_through_the_dispatcher_to_every_user_worker_and_leaves_nothing_in_the_data_dir() throws Exception {
        Path leftover = dir.resolve("tmp").resolve("warm-up").resolve("tenantd.db");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "left by a process that ended during its warm-up");

        StartupWarmUp.Result result = StartupWarmUp.run(TestServer.defaults(dir, List.of()), Duration.ofMillis(500));

        // Client 0 alone asks each of the other user workers once, whatever the time allows.
        assertThat(result.requests()).isGreaterThanOrEqualTo(StartupWarmUp.TENANTS - 1);
        assertThat(result.failures()).as("requests without their worker's answer").isZero();
        assertThat(result.evictions()).as("isolates evicted under the load").isPositive();
        assertThat(dir.resolve("tmp").resolve("warm-up")).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tmp");
        }

        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.get(t.accountApi("/workers/scripts")).json().path("result")).isEmpty();
            assertThat(t.get(t.accountApi("/workers/dispatch/namespaces")).json().path("result")).isEmpty();
            assertThat(t.get(t.api("/accounts/warm-up/workers/scripts")).status()).isIn(403, 404);
            assertThat(t.worker("GET", "front.localhost", "/t0/", null).status()).isEqualTo(404);
        }
    }

    @Test
    void a_data_dir_it_cannot_use_fails_the_warm_up_with_an_error() throws Exception {
        Files.writeString(dir.resolve("tmp"), "a file where the warm-up's directory would go");
        assertThatThrownBy(() -> StartupWarmUp.run(TestServer.defaults(dir, List.of()), Duration.ofMillis(500)))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(dir.resolve("tmp"))).startsWith("a file");

        // tenantd serve goes on without it.
        Main.Serve.warmUp(TestServer.defaults(dir, List.of()), Duration.ofMillis(500));
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/site"), "{\"main_module\":\"a.js\"}", "a.js",
                    "export default { fetch() { return new Response('served'); } };").status()).isEqualTo(200);
            assertThat(t.worker("GET", "site.localhost", "/", null).body()).isEqualTo("served");
        }
    }
}

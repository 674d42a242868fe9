package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Start-up's warning when the settings let requests hold more of the Java heap than it can spare. */
class HeapBudgetTest {
    private static final long GB = 1L << 30;

    @TempDir
    Path dir;

    private ServerConfig config(String toml) throws Exception {
        Path file = dir.resolve("tenantd.toml");
        Files.writeString(file, toml);
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", file.toString(), "--data-dir", dir.toString(), "--api-token", "t");
        return serve.resolve();
    }

    @Test
    void the_defaults_fit_the_heap_the_launcher_gives_and_a_gigabyte_too() throws Exception {
        ServerConfig defaults = config("");
        // 512 MB of bodies and 4 x 64 MB of D1 rows: 768 MB, three quarters of 1 GB.
        assertThat(HeapBudget.warning(defaults, 2 * GB)).isEmpty();
        assertThat(HeapBudget.warning(defaults, GB)).isEmpty();
        assertThat(HeapBudget.warning(defaults, Long.MAX_VALUE)).as("a JVM without a maximum").isEmpty();
    }

    @Test
    void a_smaller_heap_than_the_defaults_need_is_named_with_the_settings_and_what_to_do() throws Exception {
        assertThat(HeapBudget.warning(config(""), 512L << 20)).hasValueSatisfying(w -> assertThat(w)
                .contains("may grow to 512 MB", "buffered-bodies-mb (512 MB)", "[d1] threads (256 MB)",
                        "hold 768 MB", "TENANTD_JAVA_OPTS=-Xmx1g"));
    }

    @Test
    void settings_raised_past_the_heap_are_named_and_a_heap_that_holds_them_is_suggested() throws Exception {
        ServerConfig big = config("""
                [limits]
                buffered-bodies-mb = 4096
                [d1]
                result-mb = 128
                threads = 8
                """);
        // 4,096 + 1,024 MB need 6,827 MB of heap to be three quarters of it: 7 GB.
        assertThat(HeapBudget.warning(big, 2 * GB)).hasValueSatisfying(w -> assertThat(w)
                .contains("may grow to 2048 MB", "(4096 MB)", "(1024 MB)", "hold 5120 MB", "-Xmx7g"));
        assertThat(HeapBudget.warning(big, 7 * GB)).isEmpty();
    }
}

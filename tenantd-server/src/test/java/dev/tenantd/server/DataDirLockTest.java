package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A second tenantd on a data directory that one already serves stops at once, saying which process holds it. */
class DataDirLockTest {
    @TempDir
    Path dir;

    /** Holds the lock of the directory given in a separate process until its standard input closes. */
    public static void main(String[] args) throws Exception {
        try (DataDirLock held = DataDirLock.take(Path.of(args[0]))) {
            System.out.println("held");
            System.out.flush();
            System.in.read();
        }
    }

    private int serve(StringWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        return Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.execute("serve", "--data-dir",
                dir.toString(), "--api-token", "t", "--warm-up-ms", "0", "--listen", "127.0.0.1:0", "--api-listen",
                "127.0.0.1:0"), "serve started on a data directory another process holds");
    }

    /** A process that tries to hold the lock of {@link #dir}: its first line says "held" if it does. */
    private Process holder() throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DataDirLockTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
    }

    @Test
    void a_data_directory_another_process_holds_is_refused_with_exit_1_naming_that_process() throws Exception {
        Process holder = holder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("held");
            StringWriter err = new StringWriter();
            assertThat(serve(err)).isEqualTo(1);
            assertThat(err.toString()).contains("is in use by another tenantd (process " + holder.pid() + ")")
                    .contains("--data-dir");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // Let go with its process: the directory can be taken again.
        DataDirLock.take(dir).close();
    }

    @Test
    void a_data_directory_this_process_holds_is_refused_too() throws Exception {
        try (DataDirLock held = DataDirLock.take(dir)) {
            StringWriter err = new StringWriter();
            assertThat(serve(err)).isEqualTo(1);
            assertThat(err.toString()).contains("is in use by another tenantd (process " + ProcessHandle.current().pid());
            // Still held: looking at it again let nothing go (closing any descriptor of a locked file would).
            Process other = holder();
            other.getOutputStream().close();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .doesNotContain("held").contains("is in use by another tenantd");
        }
    }
}

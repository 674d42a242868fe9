package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker sees en-US and UTC however the machine is set up: a JVM started with another time
 * zone and language (in its environment, where ICU reads them) runs a worker that reports what
 * it sees.
 */
class HostTimeZoneTest {
    /** What the worker in {@link #main} prints: its default locale, time zone and a date. */
    private static final String WORKER = """
            export default {
              fetch() {
                const options = new Intl.DateTimeFormat().resolvedOptions();
                return new Response([options.locale, options.timeZone, new Intl.Collator().resolvedOptions().locale,
                  new Date(0).toString(), new Date(0).getHours(), (1234.5).toLocaleString()].join('|'));
              },
            };
            """;

    @Test
    void worker_sees_utc_and_en_us_whatever_the_host_says() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HostTimeZoneTest.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("TZ", "Europe/Paris");
        builder.environment().put("LANG", "fr_FR.UTF-8");
        builder.environment().put("LC_ALL", "de_DE.UTF-8");
        builder.environment().put("LC_MESSAGES", "fr_FR.UTF-8");
        Process child = builder.start();
        // A child that has not answered within two minutes is ended, saying what it printed.
        Thread.ofVirtual().start(() -> {
            try {
                if (!child.waitFor(120, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        });
        StringBuilder printed = new StringBuilder();
        try (java.io.BufferedReader lines = child.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null && !line.equals("end"); ) {
                printed.append(line).append('\n');
            }
        }
        // The child's own exit is not waited for: a JVM that exits while one of its isolates
        // collects garbage can hang in the engine's exit handlers.
        boolean answered = child.isAlive() || child.exitValue() == 0;
        child.destroyForcibly().waitFor();
        String output = printed.toString();
        assertThat(answered).as("the child answers; it printed:%n%s", output).isTrue();
        assertThat(output.lines().filter(l -> l.startsWith("seen: ")).toList()).as(output).containsExactly(
                "seen: en-US|UTC|en-US|Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)|0|1,234.5");
    }

    /** The child JVM: loads the worker above and prints its answer. */
    public static void main(String[] args) {
        int status = 1;
        try {
            Worker worker = Engines.load(Engines.module(WORKER));
            System.out.println("seen: " + Engines.text(Engines.get(worker, "http://test/")));
            status = 0;
        } catch (Throwable e) {
            // The engine's threads would keep the JVM alive: it says why and ends.
            e.printStackTrace(System.out);
        } finally {
            System.out.println();
            System.out.println("end");
            System.out.flush();
            Runtime.getRuntime().halt(status);
        }
    }
}

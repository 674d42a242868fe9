package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM options of {@code ./tenantd serve} ({@code ./tenantd jvm-options} prints them): a
 * maximum heap unless the operator gave one, in any of the places a JVM takes options from, and
 * the operator's own options last, where they win.
 */
class LauncherJvmOptionsTest {
    private static final Path LAUNCHER = Path.of("..", "tenantd").toAbsolutePath().normalize();

    /** The launcher's options with these variables set (and the JVM's own option variables cleared first). */
    private static List<String> options(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "jvm-options");
        pb.environment().remove("TENANTD_JAVA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out.lines().toList();
    }

    /** MaxHeapSize of a JVM started with {@code options}, in bytes. */
    private static long maxHeap(List<String> options) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.matches("\\s*size_t MaxHeapSize\\s+=.*")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll(".*=\\s*(\\d+).*", "$1")))
                .orElseThrow(() -> new AssertionError("no MaxHeapSize in: " + out));
    }

    @Test
    void by_default_the_heap_may_grow_to_two_gigabytes() throws Exception {
        List<String> options = options(Map.of());
        assertThat(options).contains("-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED", "-Xmx2g");
        assertThat(maxHeap(options)).isEqualTo(2L << 30);
    }

    @Test
    void the_operators_options_come_last_and_their_heap_replaces_the_default() throws Exception {
        List<String> options = options(Map.of("TENANTD_JAVA_OPTS", "-Xmx3g  -Dtenantd.example=1"));
        assertThat(options).doesNotContain("-Xmx2g").endsWith("-Xmx3g", "-Dtenantd.example=1");
        assertThat(maxHeap(options)).isEqualTo(3L << 30);
        // Other options leave the default heap in place, a soft limit too (it is no maximum).
        assertThat(options(Map.of("TENANTD_JAVA_OPTS", "-Dtenantd.example=1 -XX:SoftMaxHeapSize=1g")))
                .endsWith("-Xmx2g", "-Dtenantd.example=1", "-XX:SoftMaxHeapSize=1g");
    }

    @Test
    void a_heap_size_given_to_every_jvm_is_not_overridden() throws Exception {
        // JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS come before the command line, whose -Xmx would win.
        for (Map<String, String> env : List.of(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=10"),
                Map.of("JDK_JAVA_OPTIONS", "-XX:MaxHeapSize=768m"), Map.of("TENANTD_JAVA_OPTS", "-XX:MaxRAM=8g"))) {
            assertThat(options(env)).as("%s", env).noneMatch(o -> o.startsWith("-Xmx"));
        }
    }

    @Test
    void without_a_jdk_21_the_launcher_says_so_and_stops(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // The launcher as shipped, looking for JDKs in an empty folder instead of /usr/lib/jvm.
        Path noJdks = java.nio.file.Files.createDirectory(dir.resolve("jvm"));
        Path launcher = dir.resolve("tenantd");
        java.nio.file.Files.writeString(launcher, java.nio.file.Files.readString(LAUNCHER)
                .replace("/usr/lib/jvm/*", noJdks + "/*"));
        // A PATH with the tools the launcher uses and no java.
        Path bin = java.nio.file.Files.createDirectory(dir.resolve("bin"));
        for (String tool : List.of("dirname", "readlink", "sed", "head", "cut")) {
            for (String folder : List.of("/usr/bin/", "/bin/")) {
                if (java.nio.file.Files.isExecutable(Path.of(folder + tool))) {
                    java.nio.file.Files.createSymbolicLink(bin.resolve(tool), Path.of(folder + tool));
                    break;
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", launcher.toString(), "jvm-options");
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + err).isEqualTo(1);
        assertThat(err).contains("no JDK 21 or newer found").contains("set JAVA_HOME");
        assertThat(out).as("nothing done without a JDK").isEmpty();
    }
}

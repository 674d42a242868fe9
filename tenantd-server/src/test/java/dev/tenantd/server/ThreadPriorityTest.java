package dev.tenantd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only the background JS threads run at the lowest OS priority. Threads inherit their
 * creator's priority, so a thread started lazily by a background thread (an event loop
 * first used for a heavy isolate's fetch, a pool thread) would be demoted for good.
 */
class ThreadPriorityTest {
    @TempDir
    Path dir;

    @Test
    void after_cpu_heavy_isolates_fetch_every_thread_but_the_background_js_threads_keeps_normal_priority() throws Exception {
        try (TestServer t = new TestServer(dir, List.of())) {
            assertThat(t.putModule(t.accountApi("/workers/scripts/heavy"), "{\"main_module\":\"h.js\"}", "h.js", """
                    export default { async fetch() {
                      // Some 20 ms of work, counted: the clock does not advance while a turn runs.
                      let x = 0;
                      for (let i = 0; i < 4e7; i++) x = (x + i) | 0;
                      const r = await fetch('http://127.0.0.1:9/').then(() => 'fetched', (e) => e.name);
                      return new Response(x === 0.5 ? 'unreachable' : r);
                    } };""").status()).isEqualTo(200);
            for (int i = 0; i < 4; i++) {
                assertThat(t.worker("GET", "heavy.localhost", "/", null).status()).isEqualTo(200);
            }
            Map<String, Integer> nice = threadNiceValues();
            assertThat(nice.keySet()).anyMatch(name -> name.startsWith("tenantd-js-bg"));
            nice.forEach((name, value) -> {
                if (name.startsWith("tenantd-js-bg")) {
                    assertThat(value).as(name).isEqualTo(19);
                } else {
                    assertThat(value).as(name).isZero();
                }
            });
        }
    }

    /** Every thread of this process: its name (as the kernel keeps it, 15 characters) and nice value. */
    private static Map<String, Integer> threadNiceValues() throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(name + "#" + task.getFileName(), Integer.parseInt(afterName[19 - 3]));
            }
        }
        return out;
    }
}

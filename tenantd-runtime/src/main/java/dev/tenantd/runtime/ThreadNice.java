package dev.tenantd.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the operating-system scheduling priority of the calling thread (its
 * Linux nice value), so that the threads running CPU-heavy isolates yield the
 * cores to everything else whenever something else wants to run. Raising a nice
 * value needs no privileges; where it cannot be done (no {@code /proc}, no
 * {@code renice}), the thread keeps its priority and a warning says so once.
 */
final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static volatile boolean warned;

    private ThreadNice() {
    }

    /** Sets the calling thread's nice value to {@code nice} (0..19); true when it took effect. */
    static boolean lowerCurrentThread(int nice) {
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>": the kernel's id of this thread.
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return warnOnce("renice did not finish");
            }
            return renice.exitValue() == 0 || warnOnce("renice exited with " + renice.exitValue());
        } catch (IOException | UnsupportedOperationException e) {
            return warnOnce(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("cannot lower the priority of the threads for CPU-heavy isolates ({}); "
                    + "they compete with other tenants on equal terms", why);
        }
        return false;
    }
}

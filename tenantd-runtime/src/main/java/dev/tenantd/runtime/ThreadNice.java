package dev.tenantd.runtime;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the operating-system scheduling priority (the Linux nice value) of
 * threads, so that the threads running CPU-heavy isolates yield the cores to
 * everything else whenever something else wants to run. Raising a nice value
 * needs no privileges; where it cannot be done (no {@code /proc}, no
 * {@code setpriority} and no {@code renice}), the threads keep their priority and a
 * warning says so once.
 *
 * <p>The C library's {@code setpriority} does it in one system call. Where the foreign
 * function API is not there (Java 21), the {@code renice} command does it, which
 * costs a process start each time: a cold start of a worker whose start-up runs long
 * lowers its thread, and the process start took several milliseconds of CPU there.
 *
 * <p>A thread inherits its creator's priority, so the demoted threads must never
 * create threads: the callers lower them from a normal-priority thread, naming them.
 */
final class ThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNice.class);
    private static volatile boolean warned;
    /** Linux's {@code PRIO_PROCESS}: with a thread's kernel id, {@code setpriority} sets that thread alone. */
    private static final int PRIO_PROCESS = 0;
    /** {@code int setpriority(int which, int who, int prio)}, or null where it cannot be reached. */
    private static final MethodHandle SETPRIORITY = setpriority();

    private ThreadNice() {
    }

    /** The kernel's id of the calling thread: {@code /proc/thread-self} links to {@code <pid>/task/<tid>}. */
    static Optional<String> currentThreadId() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            warnOnce("no /proc/thread-self: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Sets the nice value of the threads with these kernel ids to {@code nice} (0..19); true when it took effect. */
    static boolean lower(Collection<String> threadIds, int nice) {
        if (threadIds.isEmpty()) {
            return false;
        }
        if (SETPRIORITY != null) {
            boolean all = true;
            for (String id : threadIds) {
                all &= setPriority(id, nice) || warnOnce("setpriority failed for thread " + id);
            }
            return all;
        }
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        command.addAll(threadIds);
        try {
            Process renice = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return warnOnce("renice did not finish");
            }
            return renice.exitValue() == 0 || warnOnce("renice exited with " + renice.exitValue());
        } catch (IOException e) {
            return warnOnce(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Lowers one running thread, named {@code name}; a thread that has ended meanwhile (its
     * long turn was over before {@code renice} ran) is no failure, and a kernel id that now
     * belongs to another thread is left alone.
     */
    static void lowerIfAlive(String threadId, String name, int nice) {
        try {
            String comm = Files.readString(Path.of("/proc/self/task", threadId, "comm")).strip();
            if (!name.startsWith(comm)) {
                return;
            }
        } catch (IOException gone) {
            return;
        }
        if (SETPRIORITY != null) {
            if (!setPriority(threadId, nice) && Files.exists(Path.of("/proc/self/task", threadId))) {
                warnOnce("setpriority failed for thread " + threadId);
            }
            return;
        }
        List<String> command = List.of("renice", "-n", Integer.toString(nice), "-p", threadId);
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                warnOnce("renice did not finish");
            } else if (renice.exitValue() != 0 && Files.exists(Path.of("/proc/self/task", threadId))) {
                warnOnce("renice exited with " + renice.exitValue());
            }
        } catch (IOException e) {
            warnOnce(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the thread's nice value is {@code nice} now (false if it has ended). */
    static boolean setPriority(String threadId, int nice) {
        try {
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, Integer.parseInt(threadId), nice) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** Whether threads are lowered by a system call here rather than by starting {@code renice}. */
    static boolean bySystemCall() {
        return SETPRIORITY != null;
    }

    private static MethodHandle setpriority() {
        try {
            return Libc.load().intFunction("setpriority", 3);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // Java 21: renice
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

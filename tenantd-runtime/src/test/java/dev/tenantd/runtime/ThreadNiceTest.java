package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Threads of CPU-heavy isolates are lowered to a nice value, by a system call where the JDK reaches one. */
class ThreadNiceTest {

    /** The nice value of a thread of this process, from /proc (field 19 of its stat line). */
    private static int niceOf(String threadId) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task", threadId, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // fields from the state on: the state is field 3, nice field 19
    }

    /** Runs a thread that parks until released; answers its kernel id. */
    private static String parkedThread(String name, CountDownLatch release) throws Exception {
        CompletableFuture<String> id = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            id.complete(ThreadNice.currentThreadId().orElseThrow());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return id.get(10, TimeUnit.SECONDS);
    }

    @Test
    void on_this_jdk_threads_are_lowered_without_starting_a_process() {
        // From Java 22 on, the foreign function API is final; on 21 renice is the way.
        assumeTrue(Runtime.version().feature() >= 22, "Java 21 lowers threads with renice");
        assertThat(ThreadNice.bySystemCall()).isTrue();
    }

    @Test
    void lowered_threads_have_the_nice_value_and_others_keep_theirs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try {
            String lowered = parkedThread("nice-test-a", release);
            String other = parkedThread("nice-test-b", release);
            int before = niceOf(other);
            assertThat(ThreadNice.lower(List.of(lowered), 19)).isTrue();
            assertThat(niceOf(lowered)).isEqualTo(19);
            assertThat(niceOf(other)).isEqualTo(before);
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_running_thread_is_lowered_by_name_and_a_renamed_one_is_left_alone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try {
            String id = parkedThread("nice-test-c", release);
            ThreadNice.lowerIfAlive(id, "someone-else", 19);
            assertThat(niceOf(id)).isNotEqualTo(19);
            ThreadNice.lowerIfAlive(id, "nice-test-c", 19);
            assertThat(niceOf(id)).isEqualTo(19);
        } finally {
            release.countDown();
        }
    }
}

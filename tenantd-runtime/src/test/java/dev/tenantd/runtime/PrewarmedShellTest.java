package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pre-warmed isolates wait for their worker without the garbage their start-up made. */
class PrewarmedShellTest {

    @Test
    void a_prewarmed_isolate_holds_no_garbage_of_its_start_up() throws Exception {
        IsolateShell shell = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (shell == null && System.nanoTime() < deadline) {
            shell = Engines.ENGINE.takePrewarmedShell();
            if (shell == null) {
                Thread.sleep(10);
            }
        }
        assertThat(shell).as("a pre-warmed isolate became ready").isNotNull();
        try {
            V8HeapStatistics before = shell.runtime.getV8HeapStatistics().get(10, TimeUnit.SECONDS);
            shell.runtime.lowMemoryNotification();
            V8HeapStatistics after = shell.runtime.getV8HeapStatistics().get(10, TimeUnit.SECONDS);
            // Without the collection ahead of need, a quarter of what the heap holds is garbage
            // that this one frees. (Pages the collection freed may still be on their way back
            // to the system: what it uses is the measure, not what it has committed.)
            // Buffers are made when a worker first needs them, not at start-up in every isolate
            // (the decoders' 64 KB scratch buffer was one).
            assertThat(before.getExternalMemory()).as("bytes of buffers a new isolate holds").isLessThan(16 * 1024);
            assertThat(after.getUsedHeapSize())
                    .as("bytes in use after a further collection (before: %d)", before.getUsedHeapSize())
                    .isGreaterThan(before.getUsedHeapSize() * 95 / 100);
        } finally {
            shell.close();
        }
    }
}

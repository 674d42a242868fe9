package dev.tenantd.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/** Memory that native code freed goes back to the system when the heap is trimmed. */
class NativeHeapTest {
    private static final long MB = 1024 * 1024;
    private static final long BLOCK = 4096;

    @Test
    void trimming_hands_back_memory_freed_below_a_block_still_in_use() throws Throwable {
        assumeTrue(NativeHeap.available(), "malloc_trim needs the foreign function API (Java 22 or later)");
        Libc libc = Libc.load();
        MethodHandle malloc = libc.function("malloc", "JAVA_LONG", "JAVA_LONG");
        MethodHandle memset = libc.function("memset", "JAVA_LONG", "JAVA_LONG", "JAVA_INT", "JAVA_LONG");
        MethodHandle free = libc.function("free", null, "JAVA_LONG");
        // 64 MB in 4 KB blocks, touched, then all freed but the last: that one pins the top of the
        // heap, so the C library keeps the space below it resident until the heap is trimmed.
        long[] blocks = new long[16_384];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = (long) malloc.invokeExact(BLOCK);
            assertThat(blocks[i]).isNotZero();
            long ignored = (long) memset.invokeExact(blocks[i], 1, BLOCK);
        }
        for (int i = 0; i < blocks.length - 1; i++) {
            free.invokeExact(blocks[i]);
        }
        try {
            long before = ResidentMemory.bytes();
            assertThat(NativeHeap.trim()).as("memory was handed back").isTrue();
            assertThat(before - ResidentMemory.bytes()).as("resident bytes handed back").isGreaterThan(32 * MB);
        } finally {
            free.invokeExact(blocks[blocks.length - 1]);
        }
    }
}

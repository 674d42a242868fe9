package dev.tenantd.runtime;

import java.lang.invoke.MethodHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C library's heap, where V8, Javet and the JVM's JIT compilers allocate outside the Java
 * and isolate heaps. glibc keeps what they free in its arenas for reuse and gives little of it
 * back on its own: a server's start-up (the runtime's code cache, the first isolates, the JIT
 * compilers' scratch memory) leaves 15-30 MB resident that nothing uses. {@link #trim()}
 * returns such free memory to the system.
 */
final class NativeHeap {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
    private static final MethodHandle MALLOC_TRIM = find();

    private NativeHeap() {
    }

    private static MethodHandle find() {
        try {
            return Libc.load().function("malloc_trim", "JAVA_INT", "JAVA_LONG");
        } catch (Throwable e) {
            // Java 21 (the foreign function API is a preview there), or a C library without it.
            LOG.debug("malloc_trim not available ({}); free native memory stays with the C library", e.toString());
            return null;
        }
    }

    /** Whether {@link #trim()} can return memory here (Java 22 or later on glibc). */
    static boolean available() {
        return MALLOC_TRIM != null;
    }

    /**
     * Gives the free memory of every arena back to the system; answers whether any was. It takes
     * each arena's lock in turn while it walks it, so it is for quiet moments, not for every request.
     */
    static boolean trim() {
        if (MALLOC_TRIM == null) {
            return false;
        }
        try {
            return (int) MALLOC_TRIM.invokeExact(0L) == 1;
        } catch (Throwable e) {
            LOG.debug("malloc_trim failed: {}", e.toString());
            return false;
        }
    }
}

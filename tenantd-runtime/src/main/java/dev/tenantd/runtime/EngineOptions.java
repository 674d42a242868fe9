package dev.tenantd.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Process-wide engine settings.
 *
 * @param jsThreads      threads that run isolates (one per core is right: a turn never blocks)
 * @param heapLimitMb    heap cap of each isolate; V8 applies it per isolate
 * @param nativeCacheDir where the V8 native library is unpacked once and reused
 * @param startupCpuMs   CPU time a worker's top-level code may take when it is loaded
 * @param prewarmedIsolates isolates kept ready with the runtime loaded, so a new worker starts faster
 * @param maxLongTurns   turns that may run long (more than a few milliseconds of CPU) at the same time,
 *                       each on a thread of its own at the lowest priority; a long turn beyond it is stopped
 * @param bufferedBodyBytes request and response bodies the host may hold in memory at once, on their
 *                       way between sockets and isolates ({@link BodyBudget})
 */
public record EngineOptions(int jsThreads, int heapLimitMb, Path nativeCacheDir, long startupCpuMs,
        int prewarmedIsolates, int maxLongTurns, long bufferedBodyBytes) {
    public EngineOptions {
        Objects.requireNonNull(nativeCacheDir, "nativeCacheDir");
        if (jsThreads < 1) {
            throw new IllegalArgumentException("jsThreads must be at least 1");
        }
        if (prewarmedIsolates < 0) {
            throw new IllegalArgumentException("prewarmedIsolates must not be negative");
        }
        if (startupCpuMs < 1) {
            throw new IllegalArgumentException("startupCpuMs must be positive");
        }
        if (bufferedBodyBytes < BodyBudget.COUNTED_FROM) {
            throw new IllegalArgumentException("bufferedBodyBytes must be at least " + BodyBudget.COUNTED_FROM);
        }
        if (maxLongTurns < 1) {
            throw new IllegalArgumentException("maxLongTurns must be at least 1");
        }
        if (heapLimitMb < 16) {
            throw new IllegalArgumentException("heapLimitMb must be at least 16");
        }
    }

    /** Enough for many CPU-heavy tenants at once; each long turn holds a thread (and its stack) while it runs. */
    public static final int DEFAULT_MAX_LONG_TURNS = 64;
    /** Bodies in flight between sockets and isolates, all together. */
    public static final long DEFAULT_BUFFERED_BODY_BYTES = 512L * 1024 * 1024;

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 128,
                Path.of(System.getProperty("user.home"), ".cache", "tenantd", "native"), 1000, 4, DEFAULT_MAX_LONG_TURNS,
                DEFAULT_BUFFERED_BODY_BYTES);
    }

    public EngineOptions withJsThreads(int threads) {
        return new EngineOptions(threads, heapLimitMb, nativeCacheDir, startupCpuMs, prewarmedIsolates, maxLongTurns, bufferedBodyBytes);
    }

    public EngineOptions withNativeCacheDir(Path dir) {
        return new EngineOptions(jsThreads, heapLimitMb, dir, startupCpuMs, prewarmedIsolates, maxLongTurns, bufferedBodyBytes);
    }

    public EngineOptions withHeapLimitMb(int mb) {
        return new EngineOptions(jsThreads, mb, nativeCacheDir, startupCpuMs, prewarmedIsolates, maxLongTurns, bufferedBodyBytes);
    }

    public EngineOptions withStartupCpuMs(long ms) {
        return new EngineOptions(jsThreads, heapLimitMb, nativeCacheDir, ms, prewarmedIsolates, maxLongTurns, bufferedBodyBytes);
    }

    public EngineOptions withPrewarmedIsolates(int count) {
        return new EngineOptions(jsThreads, heapLimitMb, nativeCacheDir, startupCpuMs, count, maxLongTurns, bufferedBodyBytes);
    }

    public EngineOptions withMaxLongTurns(int count) {
        return new EngineOptions(jsThreads, heapLimitMb, nativeCacheDir, startupCpuMs, prewarmedIsolates, count, bufferedBodyBytes);
    }

    public EngineOptions withBufferedBodyBytes(long bytes) {
        return new EngineOptions(jsThreads, heapLimitMb, nativeCacheDir, startupCpuMs, prewarmedIsolates, maxLongTurns, bytes);
    }
}

package dev.tenantd.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Process-wide engine settings.
 *
 * @param jsThreads      threads that run isolates (one per core is right: a turn never blocks)
 * @param heapLimitMb    heap cap of each isolate; V8 applies it per isolate
 * @param nativeCacheDir where the V8 native library is unpacked once and reused
 */
public record EngineOptions(int jsThreads, int heapLimitMb, Path nativeCacheDir) {
    public EngineOptions {
        Objects.requireNonNull(nativeCacheDir, "nativeCacheDir");
        if (jsThreads < 1) {
            throw new IllegalArgumentException("jsThreads must be at least 1");
        }
        if (heapLimitMb < 16) {
            throw new IllegalArgumentException("heapLimitMb must be at least 16");
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 128,
                Path.of(System.getProperty("user.home"), ".cache", "tenantd", "native"));
    }

    public EngineOptions withJsThreads(int threads) {
        return new EngineOptions(threads, heapLimitMb, nativeCacheDir);
    }

    public EngineOptions withNativeCacheDir(Path dir) {
        return new EngineOptions(jsThreads, heapLimitMb, dir);
    }
}

package dev.tenantd.server;

import dev.tenantd.runtime.ZlibStream;

/**
 * Keeps the host's compression of a worker's response from costing much more than its client
 * downloads. A worker can answer with hundreds of gigabytes of one repeated byte cheaply, and
 * gzip makes them a few megabytes: the client takes them at once while the host compresses on
 * the event loops every tenant shares. Past the first {@value #FREE_BYTES} bytes, each
 * {@value #WINDOW_BYTES} bytes of input are weighed against the output they made: once they
 * shrank more than {@value #MAX_RATIO} times, the rest is stored uncompressed (still one valid
 * gzip stream), so each further byte compressed is a byte the client must take. Weighing windows
 * rather than the whole keeps an incompressible start from buying a highly compressible rest.
 */
final class CompressionGuard {
    /** Input compressed whatever its ratio: ordinary pages and files never reach the guard. */
    static final long FREE_BYTES = 16L * 1024 * 1024;
    /** Input weighed at once against its output. */
    static final long WINDOW_BYTES = 4L * 1024 * 1024;
    /** Far above what text and JSON compress by (some 3 to 20 times). */
    static final long MAX_RATIO = 64;

    private final ZlibStream zlib;
    private long in;
    private long windowIn;
    private long windowOut;
    private boolean storing;

    CompressionGuard(ZlibStream zlib) {
        this.zlib = zlib;
    }

    /** {@code bytes} of input are about to be written to the compressor. */
    void input(long bytes) {
        in += bytes;
        if (storing || in <= FREE_BYTES) {
            return;
        }
        windowIn += bytes;
        if (windowIn >= WINDOW_BYTES) {
            if (windowIn > MAX_RATIO * Math.max(1, windowOut)) {
                storing = true;
                zlib.storeFromNow();
            }
            windowIn = 0;
            windowOut = 0;
        }
    }

    /** {@code bytes} of output were read from it. */
    void output(long bytes) {
        if (in > FREE_BYTES) {
            windowOut += bytes;
        }
    }

    /** Whether the rest is stored uncompressed. */
    boolean storing() {
        return storing;
    }
}

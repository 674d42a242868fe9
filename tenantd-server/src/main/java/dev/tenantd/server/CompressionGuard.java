package dev.tenantd.server;

import dev.tenantd.runtime.ZlibStream;

/**
 * Keeps the host's compression of a worker's response from costing much more than its client
 * downloads. A worker can answer with hundreds of gigabytes of one repeated byte cheaply, and
 * gzip makes them a few megabytes: the client takes them at once while the host compresses on
 * the event loops every tenant shares. Once {@value #FREE_BYTES} bytes went in, and more than
 * {@value #MAX_RATIO} times what came out, the rest is stored uncompressed (still one valid gzip
 * stream), so each further byte compressed is a byte the client must take.
 */
final class CompressionGuard {
    /** Input compressed whatever its ratio: ordinary large pages and files never reach the guard. */
    static final long FREE_BYTES = 16L * 1024 * 1024;
    /** Far above what text and JSON compress by (some 3 to 20 times). */
    static final long MAX_RATIO = 64;

    private final ZlibStream zlib;
    private long in;
    private long out;
    private boolean storing;

    CompressionGuard(ZlibStream zlib) {
        this.zlib = zlib;
    }

    /** {@code bytes} of input are about to be written to the compressor. */
    void input(long bytes) {
        in += bytes;
        if (!storing && in > FREE_BYTES && in > MAX_RATIO * Math.max(1, out)) {
            storing = true;
            zlib.storeFromNow();
        }
    }

    /** {@code bytes} of output were read from it. */
    void output(long bytes) {
        out += bytes;
    }

    /** Whether the rest is stored uncompressed. */
    boolean storing() {
        return storing;
    }
}

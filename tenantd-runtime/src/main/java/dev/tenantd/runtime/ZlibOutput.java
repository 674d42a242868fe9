package dev.tenantd.runtime;

import java.util.Arrays;

/**
 * A compression stream's output buffer, reused by every read, so that reads make no garbage
 * beyond the copy of what they return.
 */
final class ZlibOutput {
    private static final byte[] NOTHING = new byte[0];
    private byte[] buffer = NOTHING;

    /** The buffer, sized for reads of at most {@code max} bytes (at least one). */
    byte[] buffer(int max) {
        if (buffer.length != Math.max(1, max)) {
            buffer = new byte[Math.max(1, max)];
        }
        return buffer;
    }

    /** The first {@code n} bytes of {@code out}, as a new array. */
    static byte[] copy(byte[] out, int n) {
        return n == 0 ? NOTHING : Arrays.copyOf(out, n);
    }
}

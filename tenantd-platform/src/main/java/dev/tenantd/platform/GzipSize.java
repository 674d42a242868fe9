package dev.tenantd.platform;

import java.util.zip.Deflater;

/**
 * How many bytes gzip makes of some bytes, at its default level, without keeping them; the
 * compression stops once the output passes a bound.
 */
final class GzipSize {
    /** gzip's header (10 bytes) and trailer (CRC-32 and length, 8 bytes) around the deflate stream. */
    private static final int FRAMING = 18;

    private GzipSize() {
    }

    /** The gzip size of {@code bytes}, or a number over {@code bound} as soon as it is known to be over. */
    static long of(byte[] bytes, long bound) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] out = new byte[64 * 1024];
            long size = FRAMING;
            while (!deflater.finished() && size <= bound) {
                size += deflater.deflate(out);
            }
            return size;
        } finally {
            deflater.end();
        }
    }
}

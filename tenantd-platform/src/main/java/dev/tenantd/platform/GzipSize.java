package dev.tenantd.platform;

import java.util.zip.Deflater;

/** How many bytes gzip makes of some bytes, at its default level, without keeping them. */
final class GzipSize {
    /** gzip's header (10 bytes) and trailer (CRC-32 and length, 8 bytes) around the deflate stream. */
    private static final int FRAMING = 18;

    private GzipSize() {
    }

    static long of(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] out = new byte[64 * 1024];
            long size = 0;
            while (!deflater.finished()) {
                size += deflater.deflate(out);
            }
            return size + FRAMING;
        } finally {
            deflater.end();
        }
    }
}

package dev.tenantd.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compression with the JDK's zlib. The zlib and raw formats are zlib's own; for gzip the
 * deflate data is written raw and framed here with the header zlib writes (no name, no time,
 * operating system "Unix") and the CRC-32 and length trailer, so the bytes equal what
 * Workers' zlib produces.
 */
final class ZlibDeflating implements ZlibStream {
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    /** zlib's deflate state at windowBits 15 and memLevel 8: the window and hash tables, about 256 KiB. */
    private static final long NATIVE_BYTES = 268 * 1024;

    private final Format format;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private long totalIn;
    /** Header or trailer bytes not yet read, and how far they were read. */
    private byte[] framing;
    private int framingAt;
    private boolean finishing;
    private boolean trailerQueued;
    private boolean closed;
    private final ZlibOutput output = new ZlibOutput();
    private int flushMode = Deflater.NO_FLUSH;
    /** The input the deflater reads from; its position is how far it has read. */
    private ByteBuffer pendingInput = ByteBuffer.allocate(0);

    ZlibDeflating(Format format, int level) {
        if (level != DEFAULT_LEVEL && (level < 0 || level > 9)) {
            throw new IllegalArgumentException("level must be 0 to 9 or -1, got " + level);
        }
        this.format = format;
        this.deflater = new Deflater(level, format != Format.DEFLATE);
        if (format == Format.GZIP) {
            framing = GZIP_HEADER.clone();
            // The extra flags byte says what zlib says: 2 for the best compression, 4 for the fastest.
            framing[8] = (byte) (level == 9 ? 2 : level == 1 ? 4 : 0);
        }
    }

    @Override
    public long heldInputBytes() {
        return pendingInput.capacity(); // the deflater keeps the whole buffer until the next write
    }

    @Override
    public void write(byte[] input, Flush flush) {
        open();
        if (finishing) {
            throw new DataException("Cannot write to a compression stream after it was closed.");
        }
        if (input.length > 0) {
            // The deflater reads the buffer in place, advancing its position: what an earlier
            // write left unread is joined with the new input.
            byte[] all = input;
            if (pendingInput.hasRemaining()) {
                byte[] left = new byte[pendingInput.remaining()];
                pendingInput.get(left);
                all = concat(left, input);
            }
            pendingInput = ByteBuffer.wrap(all);
            deflater.setInput(pendingInput);
            crc.update(input);
            totalIn += input.length;
        }
        switch (flush) {
            case FINISH -> {
                finishing = true;
                deflater.finish();
            }
            case SYNC -> flushMode = Deflater.SYNC_FLUSH;
            case FULL -> flushMode = Deflater.FULL_FLUSH;
            case NONE -> {
            }
        }
    }

    @Override
    public void storeFromNow() {
        deflater.setLevel(Deflater.NO_COMPRESSION);
    }

    @Override
    public byte[] read(int max) {
        open();
        byte[] out = output.buffer(max);
        int n = 0;
        while (n < out.length) {
            if (framing != null) {
                int take = Math.min(out.length - n, framing.length - framingAt);
                System.arraycopy(framing, framingAt, out, n, take);
                n += take;
                framingAt += take;
                if (framingAt == framing.length) {
                    framing = null;
                    framingAt = 0;
                }
            } else if (deflater.finished()) {
                if (format != Format.GZIP || trailerQueued) {
                    break;
                }
                trailerQueued = true;
                framing = gzipTrailer();
            } else {
                int room = out.length - n;
                n += deflater.deflate(out, n, room, flushMode);
                if (out.length - n > 0) {
                    // zlib left room: the input is used up and any flush is complete (flushing
                    // again would add another empty block).
                    flushMode = Deflater.NO_FLUSH;
                    if (!deflater.finished()) {
                        break;
                    }
                }
            }
        }
        return ZlibOutput.copy(out, n);
    }

    private byte[] gzipTrailer() {
        long c = crc.getValue();
        long size = totalIn & 0xffffffffL;
        return new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)};
    }

    @Override
    public boolean ended() {
        return !closed && finishing && deflater.finished() && framing == null
                && (format != Format.GZIP || trailerQueued);
    }

    @Override
    public long nativeBytes() {
        return closed ? 0 : NATIVE_BYTES;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
            pendingInput = ByteBuffer.allocate(0);
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the compression stream is closed");
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

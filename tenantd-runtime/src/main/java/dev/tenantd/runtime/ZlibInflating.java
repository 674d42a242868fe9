package dev.tenantd.runtime;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompression with the JDK's zlib. The zlib and raw formats are zlib's own; a gzip member's
 * header and trailer are read here (the JDK's Inflater has no gzip mode) and its CRC-32 and
 * length checked as zlib checks them. One member is read, as Workers read one: what follows
 * it is trailing data; with {@link Strictness#NODE} further members are read as Node reads them.
 */
final class ZlibInflating implements ZlibStream {
    /** zlib's inflate state with a 32 KiB window. */
    private static final long NATIVE_BYTES = 40 * 1024;
    private static final String FAILED = "Decompression failed.";
    private static final String TRAILING = "Trailing bytes after end of compressed data";
    private static final String INCOMPLETE = "Called close() on a decompression stream with incomplete data";
    /** gzip members one read starts at most (each one without output costs a reset and a call into zlib). */
    static final int MEMBERS_PER_READ = 1024;

    private enum State { HEADER, BODY, TRAILER, DONE }

    private final Format format;
    private final Strictness strictness;
    private final int maxHeaderBytes;
    private final Inflater inflater;
    private final CRC32 crc = new CRC32();
    private long totalOut;
    private State state;
    /** Input not consumed yet: in[inAt..]. */
    private byte[] in = new byte[0];
    private int inAt;
    private boolean finishing;
    private boolean truncated;
    private boolean closed;
    private final ZlibOutput output = new ZlibOutput();

    ZlibInflating(Format format, Strictness strictness) {
        this(format, strictness, Integer.MAX_VALUE);
    }

    ZlibInflating(Format format, Strictness strictness, int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.format = format;
        this.strictness = strictness;
        this.inflater = new Inflater(format != Format.DEFLATE);
        this.state = format == Format.GZIP ? State.HEADER : State.BODY;
    }

    @Override
    public long heldInputBytes() {
        return in.length; // the whole array stays referenced until the next write
    }

    @Override
    public void write(byte[] input, Flush flush) {
        open();
        if (input.length > 0) {
            if (finishing) {
                throw new DataException("Cannot write to a decompression stream after it was closed.");
            }
            int left = in.length - inAt;
            in = left == 0 ? input : ZlibDeflating.concat(Arrays.copyOfRange(in, inAt, in.length), input);
            inAt = 0;
        }
        if (flush == Flush.FINISH) {
            finishing = true;
        }
    }

    @Override
    public byte[] read(int max) {
        open();
        byte[] out = output.buffer(max);
        int n = 0;
        int members = 0;
        while (n < out.length) {
            switch (state) {
                case HEADER -> {
                    int length = gzipHeaderLength();
                    if (length < 0) {
                        return endOfInput(out, n);
                    }
                    inAt += length;
                    state = State.BODY;
                }
                case BODY -> {
                    int got = inflate(out, n);
                    n += got;
                    if (inflater.finished()) {
                        state = format == Format.GZIP ? State.TRAILER : State.DONE;
                    } else if (got == 0) {
                        return endOfInput(out, n);
                    }
                }
                case TRAILER -> {
                    if (in.length - inAt < 8) {
                        return endOfInput(out, n);
                    }
                    if (int32(inAt) != (int) crc.getValue() || int32(inAt + 4) != (int) totalOut) {
                        throw failure("incorrect data check");
                    }
                    inAt += 8;
                    state = State.DONE;
                }
                case DONE -> {
                    if (inAt < in.length && members == MEMBERS_PER_READ && strictness == Strictness.NODE) {
                        return n == 0 ? AGAIN : ZlibOutput.copy(out, n);
                    }
                    if (inAt < in.length && nextMember()) {
                        members++;
                        continue;
                    }
                    if (inAt < in.length) {
                        if (strictness == Strictness.STRICT) {
                            throw new DataException(TRAILING);
                        }
                        inAt = in.length;
                    }
                    return ZlibOutput.copy(out, n);
                }
            }
        }
        return ZlibOutput.copy(out, n);
    }

    private int inflate(byte[] out, int at) {
        inflater.setInput(in, inAt, in.length - inAt);
        int before = inflater.getRemaining();
        int got;
        try {
            got = inflater.inflate(out, at, out.length - at);
        } catch (DataFormatException e) {
            throw failure(e.getMessage() == null ? "invalid data" : e.getMessage());
        }
        if (inflater.needsDictionary()) {
            throw failure("Missing dictionary");
        }
        inAt += before - inflater.getRemaining();
        if (got > 0 && format == Format.GZIP) {
            crc.update(out, at, got);
            totalOut += got;
        }
        return got;
    }

    /**
     * Whether the bytes after a gzip member start another one, as Node reads them: anything but a
     * zero byte is taken for a header (and fails as one if it is not).
     */
    private boolean nextMember() {
        if (strictness != Strictness.NODE || format != Format.GZIP || in[inAt] == 0) {
            return false;
        }
        inflater.reset();
        crc.reset();
        totalOut = 0;
        state = State.HEADER;
        return true;
    }

    /** A failure of the data: in Workers' words, or zlib's for Node. */
    private DataException failure(String zlibWords) {
        return new DataException(strictness == Strictness.NODE ? zlibWords : FAILED);
    }

    /** The read ran out of input: wait for more, or, once the input is finished, end (or fail) as the data was cut short. */
    private byte[] endOfInput(byte[] out, int n) {
        if (finishing && n == 0) {
            if (strictness == Strictness.NODE) {
                throw new DataException("unexpected end of file");
            }
            if (strictness == Strictness.STRICT) {
                throw new DataException(INCOMPLETE);
            }
            truncated = true;
        }
        return ZlibOutput.copy(out, n);
    }

    /**
     * The longest gzip header the host's own decoding reads (its name, comment and extra field
     * included), {@link ZlibStream#hostDecompressor}. A header that is not over by then is refused:
     * its bytes would be kept, and scanned again with each piece of input, for as long as its
     * sender pleased, with nothing counting them. An isolate's streams count what they keep.
     */
    static final int MAX_HOST_GZIP_HEADER_BYTES = 64 * 1024;

    /** The length of the gzip header at the input's start, -1 if it is not all there yet; fails if it is not one. */
    private int gzipHeaderLength() {
        int length = headerLength();
        if (length < 0 && in.length - inAt > maxHeaderBytes) {
            throw failure("gzip header too long");
        }
        return length;
    }

    private int headerLength() {
        int available = in.length - inAt;
        if (available >= 1 && (in[inAt] & 0xff) != 0x1f
                || available >= 2 && (in[inAt + 1] & 0xff) != 0x8b) {
            throw failure("incorrect header check");
        }
        if (available >= 3 && in[inAt + 2] != 8) {
            throw failure("unknown compression method");
        }
        if (available >= 4 && (in[inAt + 3] & 0xe0) != 0) {
            throw failure("unknown header flags set");
        }
        if (available < 10) {
            return -1;
        }
        int flags = in[inAt + 3];
        int at = 10;
        if ((flags & 4) != 0) {
            if (available < at + 2) {
                return -1;
            }
            at += 2 + ((in[inAt + at] & 0xff) | (in[inAt + at + 1] & 0xff) << 8);
        }
        for (int bit : new int[] {8, 16}) {
            if ((flags & bit) != 0) {
                while (at < available && in[inAt + at] != 0) {
                    at++;
                }
                if (at >= available) {
                    return -1;
                }
                at++;
            }
        }
        if ((flags & 2) != 0) {
            at += 2;
        }
        return at <= available ? at : -1;
    }

    private int int32(int at) {
        return (in[at] & 0xff) | (in[at + 1] & 0xff) << 8 | (in[at + 2] & 0xff) << 16 | (in[at + 3] & 0xff) << 24;
    }

    @Override
    public boolean ended() {
        return !closed && (state == State.DONE || truncated);
    }

    @Override
    public long nativeBytes() {
        return closed ? 0 : NATIVE_BYTES;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inflater.end();
            in = new byte[0];
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the decompression stream is closed");
        }
    }
}

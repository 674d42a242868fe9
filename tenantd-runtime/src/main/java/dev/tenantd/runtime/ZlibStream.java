package dev.tenantd.runtime;

import java.util.Locale;
import java.util.Optional;

/**
 * One compression or decompression in progress, fed input in pieces and drained in bounded
 * pieces: however much a piece of input expands to, one {@link #read} returns at most the
 * bytes asked for, so the caller decides how much output exists at once. Not thread-safe; an
 * isolate's streams are used only on its own thread. {@link #close} frees the native zlib
 * memory at once rather than when the collector gets to it.
 */
public sealed interface ZlibStream extends AutoCloseable permits ZlibDeflating, ZlibInflating {

    /** The formats of the Compression Streams standard. */
    enum Format {
        /** RFC 1952: a gzip header, deflate data, CRC-32 and length. */
        GZIP("gzip"),
        /** RFC 1950: a zlib header, deflate data, Adler-32. */
        DEFLATE("deflate"),
        /** RFC 1951: deflate data alone. */
        DEFLATE_RAW("deflate-raw");

        private final String jsName;

        Format(String jsName) {
            this.jsName = jsName;
        }

        public String jsName() {
            return jsName;
        }

        /** The format a worker names ("gzip", "deflate", "deflate-raw"), matched exactly as Workers do. */
        public static Optional<Format> named(String name) {
            for (Format f : values()) {
                if (f.jsName.equals(name)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /** Which way the bytes go. */
    enum Direction {
        COMPRESS, DECOMPRESS;

        static Optional<Direction> named(String name) {
            try {
                return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * What a {@link #write} asks of the compressor besides taking the bytes, by zlib's numbers
     * (Z_NO_FLUSH 0, Z_SYNC_FLUSH 2, Z_FULL_FLUSH 3, Z_FINISH 4). Decompression only cares
     * whether the input has ended.
     */
    enum Flush {
        NONE(0), SYNC(2), FULL(3), FINISH(4);

        final int zlibValue;

        Flush(int zlibValue) {
            this.zlibValue = zlibValue;
        }

        static Optional<Flush> ofZlib(int value) {
            for (Flush f : values()) {
                if (f.zlibValue == value) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /** How a decompression treats input that does not end exactly where the compressed data does. */
    enum Strictness {
        /**
         * Trailing bytes after the end of the data, and input that ends before it, are errors
         * (Workers' {@code strict_compression_checks}).
         */
        STRICT,
        /** Trailing bytes are ignored, and input that ends early gives what it decoded. */
        LENIENT,
        /**
         * As Node's zlib: gzip members that follow one another are decoded one after the other,
         * zero bytes after a member and trailing bytes after zlib or raw data are ignored, input
         * that ends early is an error, and failures carry zlib's own words ("incorrect header
         * check", "unexpected end of file"...).
         */
        NODE
    }

    /** zlib's default level (6), what Workers and browsers compress with. */
    int DEFAULT_LEVEL = -1;

    /** A compressor; {@code level} is zlib's 0–9 or {@link #DEFAULT_LEVEL}. */
    static ZlibStream compressor(Format format, int level) {
        return new ZlibDeflating(format, level);
    }

    static ZlibStream decompressor(Format format, Strictness strictness) {
        return new ZlibInflating(format, strictness);
    }

    /**
     * A gzip decompressor for the host's own decoding of bodies (nothing counts what it keeps): a
     * header longer than 64 KiB fails it.
     */
    static ZlibStream hostDecompressor(Strictness strictness) {
        return new ZlibInflating(Format.GZIP, strictness, ZlibInflating.MAX_HOST_GZIP_HEADER_BYTES);
    }

    /**
     * Hands over input, which the stream keeps until reads consume it; {@link Flush#FINISH}
     * says no input follows. Input written after the finish, or after a decompression reached the
     * end of its data, is refused ({@link Strictness#STRICT}) or ignored.
     */
    void write(byte[] input, Flush flush);

    /**
     * From the next write on, a compressor stores its input as it is (zlib's level 0), still as
     * valid data of its format; a decompressor is not changed.
     */
    default void storeFromNow() {
    }

    /**
     * Up to {@code max} bytes of output. Empty when the stream needs more input to go on, or
     * has ended ({@link #ended}); {@link #AGAIN} (empty too) when it stopped short of both, with
     * input still to work through: read again.
     */
    byte[] read(int max);

    /**
     * What {@link #read} answers when it has done a read's share of work without output: gzip
     * members of nothing, read one after another, could otherwise hold the caller's thread for
     * as many as the input holds. Compared by identity.
     */
    byte[] AGAIN = new byte[0];

    /** Whether all output was read: the input was finished (or the compressed data ended) and drained. */
    boolean ended();

    /** About what the stream holds outside the Java heap (zlib's window and tables). */
    long nativeBytes();

    /** Bytes of the worker's data the stream keeps a copy of: its last input, until the next write or the close. */
    long heldInputBytes();

    /** Frees the native memory; later calls fail. Closing twice is harmless. */
    @Override
    void close();

    /** A failure of the data, in the words Workers use ("Decompression failed." ...): a TypeError in JS. */
    final class DataException extends TenantdException {
        public DataException(String message) {
            super(message);
        }
    }
}

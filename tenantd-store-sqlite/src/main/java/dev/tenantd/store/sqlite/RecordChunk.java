package dev.tenantd.store.sqlite;

import dev.tenantd.platform.observability.InvocationEntry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The records of one script that one batch stores, as one value: a binary encoding written
 * and read in one pass. A chunk is one row of {@code invocation_chunks}, so storing a batch
 * costs a row and its index entries per script in the batch instead of per record.
 *
 * <p>Account, namespace and script are the chunk's columns and are not repeated inside it;
 * records keep the order they were stored in.
 */
final class RecordChunk {
    /** The most records one chunk holds: a record's position is its chunk's and its index in 16 bits. */
    static final int MAX_RECORDS = 1 << 16;
    private static final byte FORMAT = 1;

    private RecordChunk() {
    }

    /** A record's position in the store: its chunk's position and its index in the chunk. */
    static long position(long chunk, int index) {
        return (chunk << 16) | index;
    }

    static long chunkOf(long position) {
        return position >>> 16;
    }

    static int indexOf(long position) {
        return (int) (position & 0xffff);
    }

    /** A record's id as clients see it: its position in 16 hex digits. */
    static String id(long position) {
        return String.format("%016x", position);
    }

    /** The position an id names; empty if it is not one this store gives out. */
    static Optional<Long> parseId(String id) {
        if (id.length() != 16) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseUnsignedLong(id, 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static byte[] encode(List<InvocationEntry> records) {
        if (records.isEmpty() || records.size() > MAX_RECORDS) {
            throw new IllegalArgumentException("a chunk holds 1 to " + MAX_RECORDS + " records");
        }
        Writer out = new Writer(records.size() * 160);
        out.putByte(FORMAT);
        out.putInt(records.size());
        for (InvocationEntry e : records) {
            out.putLong(e.timeMillis());
            out.putText(e.requestId());
            out.putText(e.versionId());
            out.putShort(e.tags().size());
            for (String tag : e.tags()) {
                out.putText(tag);
            }
            out.putText(e.outcome());
            out.putInt(e.status());
            out.putLong(Double.doubleToRawLongBits(e.cpuMs()));
            out.putLong(Double.doubleToRawLongBits(e.wallMs()));
            out.putInt(e.subrequests());
            out.putText(e.method());
            out.putText(e.host());
            out.putText(e.path());
            out.putInt(e.logs().size());
            for (InvocationEntry.LogLine l : e.logs()) {
                out.putText(l.level());
                out.putText(l.messageJson());
                out.putLong(l.timestampMillis());
            }
            out.putByte(e.logsTruncated() ? 1 : 0);
            out.putByte(e.exception().isPresent() ? 1 : 0);
            if (e.exception().isPresent()) {
                InvocationEntry.ExceptionInfo x = e.exception().get();
                out.putText(x.name());
                out.putText(x.message());
                out.putText(x.stack());
                out.putLong(x.timestampMillis());
            }
        }
        return out.bytes();
    }

    /**
     * Big-endian values into a growing array, as {@link DataInputStream} reads them back; the
     * writer thread encodes every record, so this avoids a stream's per-call locking.
     */
    private static final class Writer {
        private byte[] buf;
        private int size;

        Writer(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void putByte(int v) {
            room(1);
            buf[size++] = (byte) v;
        }

        void putShort(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void putInt(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void putLong(long v) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        /** A length in bytes, then the text in UTF-8; ASCII text is copied without an intermediate array. */
        void putText(String s) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (ascii) {
                putInt(n);
                room(n);
                for (int i = 0; i < n; i++) {
                    buf[size++] = (byte) s.charAt(i);
                }
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, buf, size, utf8.length);
            size += utf8.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }

    /**
     * The chunk's records in stored order, each with its id; account, namespace and script
     * come from the chunk's row.
     */
    static List<InvocationEntry> decode(byte[] chunk, long chunkPosition, String accountId, String namespace,
            String script) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk));
        if (in.readByte() != FORMAT) {
            throw new IOException("unknown chunk format");
        }
        int count = in.readInt();
        if (count < 1 || count > MAX_RECORDS) {
            throw new IOException("a chunk says it holds " + count + " records");
        }
        List<InvocationEntry> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long time = in.readLong();
            String requestId = text(in);
            String versionId = text(in);
            int tagCount = in.readUnsignedShort();
            List<String> tags = new ArrayList<>(tagCount);
            for (int t = 0; t < tagCount; t++) {
                tags.add(text(in));
            }
            String outcome = text(in);
            int status = in.readInt();
            double cpu = in.readDouble();
            double wall = in.readDouble();
            int subrequests = in.readInt();
            String method = text(in);
            String host = text(in);
            String path = text(in);
            int logCount = in.readInt();
            if (logCount < 0 || logCount > chunk.length) {
                throw new IOException("a record says it holds " + logCount + " console lines");
            }
            List<InvocationEntry.LogLine> logs = new ArrayList<>(logCount);
            for (int l = 0; l < logCount; l++) {
                logs.add(new InvocationEntry.LogLine(text(in), text(in), in.readLong()));
            }
            boolean truncated = in.readBoolean();
            Optional<InvocationEntry.ExceptionInfo> exception = in.readBoolean()
                    ? Optional.of(new InvocationEntry.ExceptionInfo(text(in), text(in), text(in), in.readLong()))
                    : Optional.empty();
            records.add(new InvocationEntry(id(position(chunkPosition, i)), time, requestId, accountId, namespace, script,
                    versionId, tags, outcome, status, cpu, wall, subrequests, method, host, path, logs, truncated,
                    exception));
        }
        return records;
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a text of " + length + " bytes runs past the chunk");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}

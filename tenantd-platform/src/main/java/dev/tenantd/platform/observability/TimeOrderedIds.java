package dev.tenantd.platform.observability;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids that sort by the time they were made: the milliseconds since the epoch in 12 hex digits,
 * then a counter of the process (which starts at a random value). Stores index records by id
 * and by request id; ids that grow keep those index inserts at the end of the index, where
 * random ids would touch a different page of a large index on every insert.
 */
public final class TimeOrderedIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final AtomicLong COUNTER = new AtomicLong(ThreadLocalRandom.current().nextLong());

    private TimeOrderedIds() {
    }

    /** A record's id: 32 hex digits, the time and 80 bits that differ for every id of this process. */
    public static String recordId(long epochMillis) {
        char[] out = new char[32];
        hex(out, 0, epochMillis, 12);
        hex(out, 12, COUNTER.getAndIncrement(), 16);
        hex(out, 28, ThreadLocalRandom.current().nextInt(), 4);
        return new String(out);
    }

    /** A client request's id: 20 hex digits, the time and 32 bits of the process's counter. */
    public static String requestId(long epochMillis) {
        char[] out = new char[20];
        hex(out, 0, epochMillis, 12);
        hex(out, 12, COUNTER.getAndIncrement(), 8);
        return new String(out);
    }

    private static void hex(char[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}

package dev.tenantd.platform.observability;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids that sort by the time they were made: the milliseconds since the epoch in 12 hex
 * digits, then a counter of the process (which starts at a random value). A store can then
 * find a request's records among those stored around that time.
 */
public final class TimeOrderedIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final AtomicLong COUNTER = new AtomicLong(ThreadLocalRandom.current().nextLong());

    private TimeOrderedIds() {
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

package dev.tenantd.runtime;

/**
 * The calling thread's CPU time, read once per turn instead of around every layer of it.
 *
 * <p>Reading a thread's CPU clock is a system call (a few hundred nanoseconds to microseconds,
 * and a quarter of a JS thread's time at high request rates when a mailbox and the isolate inside
 * it each read it before and after every turn). A JS thread reads it when it starts a batch of
 * turns and when each turn ends; a turn starts where the previous reading left off. What runs
 * between two turns of a batch (taking the next one from the mailbox) is thus charged to the next
 * turn: microseconds, and never less than the turn itself used, so no limit is loosened by it.
 */
final class TurnCpuClock {
    private static final ThreadLocal<Reading> READING = ThreadLocal.withInitial(Reading::new);

    private TurnCpuClock() {
    }

    /** Reads the clock now and remembers the reading; the next {@link #sinceLastReading} starts here. */
    static long read() {
        Reading reading = READING.get();
        reading.nanos = CpuWatchdog.threadCpuNanos();
        reading.valid = true;
        return reading.nanos;
    }

    /** The last reading on this thread, or a fresh one if there is none. */
    static long lastReading() {
        Reading reading = READING.get();
        return reading.valid ? reading.nanos : read();
    }

    /** Forgets the last reading, so that the next {@link #lastReading} reads the clock (the thread is about to wait). */
    static void forget() {
        READING.get().valid = false;
    }

    private static final class Reading {
        long nanos;
        boolean valid;
    }
}
